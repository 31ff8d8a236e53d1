package dev.drover.core.port;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where scheduler replicas meet: one heartbeat item per replica, and per job its owner and epoch
 * (kept on the job's record, so a job's owner is read with it). A replica whose heartbeat stops
 * changing loses its jobs, each taken by one conditional write that raises the job's epoch.
 */
public interface ReplicaStore {
    /**
     * One replica's heartbeat.
     *
     * @param count       raised by one at every beat: others judge staleness by when they last saw it
     *                    change on their own clocks, never by comparing clocks
     * @param at          the replica's wall clock at the beat (epoch millis), for people only
     * @param liveJobs    jobs it owns that have not ended, for people
     * @param backlog     tasks of its jobs not yet final: its load, for sizing the one fleet and placing new jobs
     * @param users       per user, what its jobs hold and its claim on the user's running quota: the others add
     *                    it to their own when they check a quota, a budget or fair share
     * @param taskSeconds task-seconds its jobs have run since it started (never falls): the fleet's leader
     *                    shares the fleet's EC2 cost among the replicas by it
     * @param ec2         from the fleet's leader only: the EC2 cost it has given each replica so far, by replica id
     */
    record Beat(String replica, String address, long count, long at, int liveJobs, long backlog,
                Map<String, UserFigures> users, double taskSeconds, Map<String, Ec2Share> ec2) {
        public Beat {
            users = Map.copyOf(users);
            ec2 = Map.copyOf(ec2);
        }

        /** A beat with no users, task-seconds or shares. */
        public Beat(String replica, String address, long count, long at, int liveJobs, long backlog) {
            this(replica, address, count, at, liveJobs, backlog, Map.of(), 0, Map.of());
        }
    }

    /**
     * One user's standing at one replica.
     *
     * @param running    tasks of the user's jobs on the queue or running
     * @param queued     tasks of the user's jobs not yet final (the queued-task quota counts these)
     * @param workMillis expected work of the running ones, ms (fair share weighs users by it)
     * @param monthUsd   what the user's jobs submitted this month (UTC) have spent here
     * @param want       running tasks the replica could use now (running + not yet sent, at most the quota)
     * @param claim      the part of the user's running-task quota this replica holds: the replicas' claims
     *                   never add up to more than the quota
     */
    record UserFigures(long running, long queued, double workMillis, double monthUsd, long want, long claim) {}

    /** EC2 cost given to one replica so far: worker-seconds and US dollars (both never fall). */
    record Ec2Share(double workerSeconds, double usd) {}

    /** A job not yet ended and who owns it (replica null and epoch 0 before any replica did). */
    record Owner(String jobId, String replica, long epoch) {}

    /** Writes the replica's heartbeat item (one write). */
    void beat(Beat beat);

    /** Deletes the replica's heartbeat item: it has stopped acting, so others may take its jobs at once. */
    void leave(String replica);

    /** Every replica's latest heartbeat (one query). */
    List<Beat> replicas();

    /**
     * The jobs not yet ended, with their owners (a read of every unfinished job: called when a replica is
     * gone and once a minute, not every beat). May be a moment stale: a take of what it returns is fenced.
     */
    List<Owner> unfinished();

    /** The job's owner now (a consistent read); empty if there is no such job. */
    Optional<Owner> owner(String jobId);

    /**
     * Takes the job: its owner becomes {@code replica} and its epoch {@code seen + 1}, if its epoch is
     * still {@code seen} (one conditional write). False if another replica moved it first.
     */
    boolean take(String jobId, String replica, long seen);

    /**
     * Makes {@code replica} the holder of the singleton lease {@code name} (e.g. the fleet provisioner's):
     * true if it is now theirs, which it is if nobody held it, they did, or its holder was
     * {@code staleHolder}, a replica the caller judged gone (one conditional write, so of two callers
     * only one wins). Whether the holder is alive is its heartbeat's business: the lease has none of its own.
     */
    boolean lead(String name, String replica, Optional<String> staleHolder);

    /** Who holds the lease now; empty if nobody ever did. */
    Optional<String> leader(String name);
}
