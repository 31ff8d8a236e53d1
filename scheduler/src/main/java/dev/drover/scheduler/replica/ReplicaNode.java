package dev.drover.scheduler.replica;

import dev.drover.core.Periodic;
import dev.drover.core.port.ReplicaStore;
import dev.drover.scheduler.Scheduler;
import dev.drover.scheduler.billing.FleetFigures;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One scheduler replica among several: beats its heartbeat item, watches the others', and takes the
 * running jobs of a replica judged gone (its beat count unchanged for a lease on this replica's
 * clock, or its item deleted by a clean stop), each by a conditional write that raises the job's
 * epoch; the scheduler then takes the job up as a restart would ({@link Scheduler#adopt}). While
 * its own last successful beat is older than the lease less the margin, its scheduler dispatches nothing.
 * Its parts: {@link OwnLease} (this replica's beat and lease), {@link Membership} (the others, judged from
 * their beats), {@link FleetLease} (the fleet provisioner's singleton), {@link Takeovers} (the gone ones' jobs)
 * and {@link SharedStandings} (the users' figures the beats carry).
 */
public final class ReplicaNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReplicaNode.class);
    /** Every so often the unfinished jobs are scanned even with every replica alive: a job left by a crash in between finds an owner. */
    private static final int SCAN_EVERY_BEATS = 30;
    /** Every so often the owners of this replica's running jobs are read again: a job lost without a word is dropped. */
    static final int CHECK_OWNERS_EVERY = 30;
    /** The singleton lease of the fleet provisioner: one replica sizes the one fleet. */
    public static final String FLEET = "fleet";

    /** A job taken from another replica: whose it was, when it was taken. For tests and the failover figure. */
    public record Takeover(String jobId, String from, long epoch, long at) {}

    private final ReplicaStore store;
    private final Scheduler scheduler;
    private final String id;
    private final ReplicaTiming timing;
    private final Clock clock;
    private final SharedStandings shared;
    private final OwnLease own;
    private final Membership members;
    private final FleetLease fleet;
    private final Takeovers takeovers;
    private int beats; // heartbeat thread only
    private Periodic heartbeat;

    public ReplicaNode(ReplicaStore store, Scheduler scheduler, String address, ReplicaTiming timing, Clock clock) {
        this(store, scheduler, newId(), address, timing, clock);
    }

    public ReplicaNode(ReplicaStore store, Scheduler scheduler, String id, String address, ReplicaTiming timing, Clock clock) {
        this.store = store;
        this.scheduler = scheduler;
        this.id = id;
        this.timing = timing;
        this.clock = clock;
        this.members = new Membership(id, timing);
        this.shared = new SharedStandings(new LiveOwners(store, id, members::live, clock));
        this.own = new OwnLease(store, scheduler, id, address, timing, clock, shared);
        this.fleet = new FleetLease(store, id);
        this.takeovers = new Takeovers(store, scheduler, id, timing, clock);
    }

    /** A fresh id: a restarted replica is a new one, and its former self's jobs are taken like any gone replica's. */
    public static String newId() {
        byte[] b = new byte[6];
        new SecureRandom().nextBytes(b);
        StringBuilder s = new StringBuilder("r-");
        for (byte x : b) {
            s.append(String.format("%02x", x));
        }
        return s.toString();
    }

    /** Where this replica's API answers (known only once it listens), before {@link #start}. */
    public ReplicaNode at(String address) {
        own.at(address);
        return this;
    }

    public String id() {
        return id;
    }

    /** Called with each job this replica takes (on the heartbeat thread). */
    public ReplicaNode onTakeover(Consumer<Takeover> listener) {
        takeovers.onTakeover(listener);
        return this;
    }

    /**
     * Beats once (it must succeed: a replica nobody can see must not own anything), gates the
     * scheduler's dispatch on the lease, and starts beating every heartbeat.
     */
    public ReplicaNode start() {
        scheduler.dispatchGate(this::mayDispatch);
        scheduler.acrossReplicas(shared);
        beat();
        if (!mayDispatch()) {
            throw new IllegalStateException("replica " + id + ": the first heartbeat could not be written; see the log");
        }
        heartbeat = Periodic.atFixedRate("drover-replica-heartbeat", timing.heartbeat(), timing.heartbeat(), this::tick);
        log.info("replica {} at {}: heartbeat every {}, lease {}, stops dispatching {} before it", id, own.address(),
                timing.heartbeat(), timing.lease(), timing.margin());
        return this;
    }

    /** True while this replica's last successful beat is recent enough that no other can have judged it gone. */
    public boolean mayDispatch() {
        return own.mayAct();
    }

    /** The other replicas' addresses as last read, by id (this one's included). */
    public Map<String, String> addresses() {
        return members.addresses();
    }

    /** The addresses of the replicas not judged gone, by id (this one's included): where requests may be forwarded. */
    public Map<String, String> liveAddresses() {
        return members.live();
    }

    /** One heartbeat: write this replica's, read everyone's, and have the jobs of the gone taken (on another thread). */
    void tick() {
        beat();
        List<ReplicaStore.Beat> all;
        try {
            all = store.replicas();
        } catch (RuntimeException e) {
            log.warn("replica {}: cannot read the other replicas' heartbeats: {}", id, e.toString());
            return;
        }
        long now = clock.millis();
        Membership.Judged judged = members.read(all, now);
        fleet.lead(judged.gone(), judged.present(), mayDispatch());
        share(all, judged.gone());
        beats++;
        if (mayDispatch()) {
            takeovers.request(judged.gone(), judged.present(), beats % SCAN_EVERY_BEATS == 1, now);
        }
    }

    /**
     * Sums the other live replicas' users (quotas, budgets and fair share count them), settles this replica's
     * claims on running quotas, and shares the fleet's cost: the leader among all, every replica its own part.
     */
    private void share(List<ReplicaStore.Beat> all, Set<String> gone) {
        List<ReplicaStore.Beat> live = all.stream().filter(b -> !gone.contains(b.replica())).toList();
        List<ReplicaStore.Beat> others = live.stream().filter(b -> !b.replica().equals(id)).toList();
        Optional<ReplicaStore.Beat> leader = live.stream().filter(b -> b.replica().equals(fleet.holder())).findFirst();
        shared.read(others, leader, id, scheduler.quotas().maxRunningTasks());
        if (leadsFleet()) {
            Map<String, Double> seconds = new HashMap<>();
            live.forEach(b -> seconds.put(b.replica(), b.taskSeconds()));
            shared.lead(FleetFigures.of(scheduler.metrics().fleetStatus()), seconds);
        } else {
            shared.follow();
        }
    }

    /** True while this replica holds the fleet's lease and may act: it alone runs the fleet provisioner. */
    public boolean leadsFleet() {
        return fleet.held() && mayDispatch();
    }

    /** The other live replicas' last beats (address, backlog, beat count): a new job may be placed on one. */
    public List<ReplicaStore.Beat> liveOthers() {
        return members.liveOthers();
    }

    /** The other live replicas' backlogs, as of their last beats: the leader sizes the fleet by the sum. */
    public long othersBacklog() {
        return members.othersBacklog();
    }

    /** Beats; a beat that renews a lapsed lease, and every so often any other, has the owners of this replica's jobs read again. */
    private void beat() {
        OwnLease.Renewal renewal = own.beat();
        if (renewal == OwnLease.Renewal.RENEWED_LATE
                || (renewal == OwnLease.Renewal.RENEWED && beats % CHECK_OWNERS_EVERY == CHECK_OWNERS_EVERY - 1)) {
            takeovers.checkOwners();
        }
    }

    /** Stops dispatching at once, then deletes the heartbeat item so the others take this replica's jobs without waiting a lease. */
    @Override
    public void close() {
        own.leave();
        if (heartbeat != null) {
            heartbeat.stop(Duration.ofSeconds(2));
        }
        takeovers.close();
        try {
            store.leave(id);
        } catch (RuntimeException e) {
            log.warn("replica {}: could not delete its heartbeat; its jobs pass on when its lease runs out: {}", id, e.toString());
        }
    }
}
