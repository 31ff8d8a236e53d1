package dev.drover.scheduler.replica;

import dev.drover.core.port.ReplicaStore.Beat;
import dev.drover.core.port.ReplicaStore.Ec2Share;
import dev.drover.scheduler.billing.FleetFigures;
import dev.drover.scheduler.job.JobState;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The fleet's EC2 cost, attributed once over all replicas. Only the fleet's leader reads what the fleet
 * has billed; each beat it shares what was billed since its last among the live replicas by the
 * task-seconds each ran since (a period in which none ran is carried into the next), and its beat carries
 * each replica's total so far. Every replica (the leader too) takes its own total from the leader's beat,
 * and its billing shares that among its jobs. A new leader starts from what the fleet has billed when it
 * takes the lease, so nothing is given twice; what was billed in the last beat of a leader that died is
 * not given. Heartbeat thread only.
 */
final class FleetCostShares {
    private static final Ec2Share ZERO = new Ec2Share(0, 0);

    private final Map<String, Double> seenJobSeconds = new HashMap<>();
    private double taskSeconds;

    private boolean leading;
    private FleetFigures lastFleet = FleetFigures.NONE;
    private double carrySeconds;
    private double carryUsd;
    private final Map<String, Double> lastReplicaSeconds = new HashMap<>();
    private final Map<String, Ec2Share> given = new HashMap<>();

    private String lastLeader;
    private Ec2Share lastFromLeader = ZERO;
    private double receivedSeconds;
    private double receivedUsd;

    /** Task-seconds this replica's jobs ran since it started; a job taken over counts from when it was taken. */
    double taskSeconds(Collection<JobState> jobs) {
        Map<String, Double> seen = new HashMap<>();
        for (JobState j : jobs) {
            double t = j.times().taskSeconds();
            Double before = seenJobSeconds.get(j.jobId());
            if (before != null && t > before) {
                taskSeconds += t - before;
            }
            seen.put(j.jobId(), t);
        }
        seenJobSeconds.clear();
        seenJobSeconds.putAll(seen);
        return taskSeconds;
    }

    /**
     * As the leader: shares what the fleet billed since the last call among the live replicas by the
     * task-seconds each ran since; answers every replica's total so far, for the leader's next beat.
     *
     * @param replicaSeconds each live replica's task-seconds as its last beat said (this one's included)
     */
    Map<String, Ec2Share> lead(FleetFigures fleet, Map<String, Double> replicaSeconds) {
        if (!leading) { // what was billed before this replica led was the last leader's to give
            leading = true;
            lastFleet = fleet;
            lastReplicaSeconds.clear();
            lastReplicaSeconds.putAll(replicaSeconds);
            given.clear();
            return Map.of();
        }
        carrySeconds += Math.max(0, fleet.billedWorkerSeconds() - lastFleet.billedWorkerSeconds());
        carryUsd += Math.max(0, fleet.costUsd() - lastFleet.costUsd());
        lastFleet = fleet;
        Map<String, Double> ran = new HashMap<>();
        double all = 0;
        for (Map.Entry<String, Double> e : replicaSeconds.entrySet()) {
            double d = Math.max(0, e.getValue() - lastReplicaSeconds.getOrDefault(e.getKey(), e.getValue()));
            ran.put(e.getKey(), d);
            all += d;
        }
        lastReplicaSeconds.clear();
        lastReplicaSeconds.putAll(replicaSeconds);
        if (all > 0 && (carrySeconds > 0 || carryUsd > 0)) {
            for (Map.Entry<String, Double> e : ran.entrySet()) {
                double part = e.getValue() / all;
                given.merge(e.getKey(), new Ec2Share(carrySeconds * part, carryUsd * part),
                        (a, b) -> new Ec2Share(a.workerSeconds() + b.workerSeconds(), a.usd() + b.usd()));
            }
            carrySeconds = 0;
            carryUsd = 0;
        }
        return Map.copyOf(given);
    }

    /** Not the leader (any more): the next lead starts afresh. */
    void follow() {
        leading = false;
    }

    /** This replica's EC2 cost so far, from the leader's beat (never falls, across changes of leader). */
    Ec2Share received(Optional<Beat> leader, String me) {
        if (leader.isPresent()) {
            Beat l = leader.get();
            if (!l.replica().equals(lastLeader)) {
                lastLeader = l.replica();
                lastFromLeader = ZERO;
            }
            Ec2Share now = l.ec2().getOrDefault(me, ZERO);
            if (now.workerSeconds() < lastFromLeader.workerSeconds() || now.usd() < lastFromLeader.usd()) {
                lastFromLeader = ZERO; // it led again after a break: its totals started afresh
            }
            receivedSeconds += Math.max(0, now.workerSeconds() - lastFromLeader.workerSeconds());
            receivedUsd += Math.max(0, now.usd() - lastFromLeader.usd());
            lastFromLeader = now;
        }
        return new Ec2Share(receivedSeconds, receivedUsd);
    }
}
