package dev.drover.scheduler.replica;

import dev.drover.core.Periodic;
import dev.drover.core.port.ReplicaStore;
import dev.drover.scheduler.Scheduler;
import dev.drover.scheduler.billing.Billing;
import dev.drover.scheduler.billing.FleetFigures;
import dev.drover.scheduler.job.JobState;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One scheduler replica among several: beats its heartbeat item, watches the others', and takes the
 * running jobs of a replica judged gone (its beat count unchanged for a lease on this replica's
 * clock, or its item deleted by a clean stop), each by a conditional write that raises the job's
 * epoch; the scheduler then takes the job up as a restart would ({@link Scheduler#adopt}). While
 * its own last successful beat is older than the lease less the margin, its scheduler dispatches nothing.
 */
public final class ReplicaNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReplicaNode.class);
    /** Every so often the unfinished jobs are scanned even with every replica alive: a job left by a crash in between finds an owner. */
    private static final int SCAN_EVERY_BEATS = 30;
    /** Every so often the owners of this replica's running jobs are read again: a job lost without a word is dropped. */
    static final int CHECK_OWNERS_EVERY = 30;

    /** What this replica last saw of another: its beat count, and when (on this replica's clock) it last changed. */
    private record Seen(long count, long since, String address) {}

    /** A job taken from another replica: whose it was, when it was taken. For tests and the failover figure. */
    public record Takeover(String jobId, String from, long epoch, long at) {}

    private final ReplicaStore store;
    private final Scheduler scheduler;
    private final String id;
    private volatile String address;
    private final ReplicaTiming timing;
    private final Clock clock;
    private final Map<String, Seen> seen = new HashMap<>(); // heartbeat thread only
    private final AtomicLong count = new AtomicLong();
    private volatile long renewedAt = Long.MIN_VALUE / 2;
    private volatile boolean leaving;
    private volatile Map<String, String> addresses = Map.of();
    private volatile Map<String, String> live = Map.of();
    /** The singleton lease of the fleet provisioner: one replica sizes the one fleet. */
    public static final String FLEET = "fleet";
    private volatile boolean leadsFleet;
    private volatile long othersBacklog;
    private final SharedStandings shared = new SharedStandings();
    private String fleetHolder; // heartbeat thread only
    private int beats; // heartbeat thread only
    private boolean failing; // heartbeat thread only
    private Periodic heartbeat;
    private final Takeovers takeovers;

    public ReplicaNode(ReplicaStore store, Scheduler scheduler, String address, ReplicaTiming timing, Clock clock) {
        this(store, scheduler, newId(), address, timing, clock);
    }

    public ReplicaNode(ReplicaStore store, Scheduler scheduler, String id, String address, ReplicaTiming timing, Clock clock) {
        this.store = store;
        this.scheduler = scheduler;
        this.id = id;
        this.address = address;
        this.timing = timing;
        this.clock = clock;
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
        this.address = address;
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
        log.info("replica {} at {}: heartbeat every {}, lease {}, stops dispatching {} before it", id, address,
                timing.heartbeat(), timing.lease(), timing.margin());
        return this;
    }

    /** True while this replica's last successful beat is recent enough that no other can have judged it gone. */
    public boolean mayDispatch() {
        return !leaving && clock.millis() < renewedAt + timing.lease().toMillis() - timing.margin().toMillis();
    }

    /** The other replicas' addresses as last read, by id (this one's included). */
    public Map<String, String> addresses() {
        return addresses;
    }

    /** The addresses of the replicas not judged gone, by id (this one's included): where requests may be forwarded. */
    public Map<String, String> liveAddresses() {
        return live;
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
        Map<String, String> known = new HashMap<>();
        Set<String> present = new HashSet<>();
        for (ReplicaStore.Beat b : all) {
            known.put(b.replica(), b.address());
            present.add(b.replica());
            Seen s = seen.get(b.replica());
            if (s == null || s.count() != b.count()) {
                seen.put(b.replica(), new Seen(b.count(), now, b.address()));
            }
        }
        addresses = Map.copyOf(known);
        Set<String> gone = new HashSet<>();
        seen.entrySet().removeIf(e -> {
            if (!present.contains(e.getKey())) {
                gone.add(e.getKey()); // left cleanly: it stopped acting before it deleted its item
                return true;
            }
            return false;
        });
        seen.forEach((replica, s) -> {
            if (!replica.equals(id) && now - s.since() >= timing.lease().toMillis()) {
                gone.add(replica);
            }
        });
        Map<String, String> alive = new HashMap<>(known);
        alive.keySet().removeAll(gone);
        live = Map.copyOf(alive);
        othersBacklog = all.stream().filter(b -> !b.replica().equals(id) && !gone.contains(b.replica()))
                .mapToLong(ReplicaStore.Beat::backlog).sum();
        lead(gone, present);
        share(all, gone);
        beats++;
        if (mayDispatch()) {
            takeovers.request(gone, present, beats % SCAN_EVERY_BEATS == 1, now);
        }
    }

    /**
     * Holds the fleet's lease if nobody does or its holder is gone: one read a beat, a write only when it
     * changes hands. The holder's liveness is its heartbeat's, so the lease needs no renewal of its own.
     */
    private void lead(Set<String> gone, Set<String> present) {
        if (!mayDispatch()) {
            leadsFleet = false;
            return;
        }
        try {
            Optional<String> holder = store.leader(FLEET);
            fleetHolder = holder.orElse(null);
            if (holder.isPresent() && holder.get().equals(id)) {
                leadsFleet = true;
            } else if (holder.isEmpty() || gone.contains(holder.get()) || !present.contains(holder.get())) {
                leadsFleet = store.lead(FLEET, id, holder);
                if (leadsFleet) {
                    fleetHolder = id;
                    log.warn("replica {}: now runs the fleet provisioner (it was {})", id, holder.orElse("nobody's"));
                }
            } else {
                leadsFleet = false;
            }
        } catch (RuntimeException e) {
            log.warn("replica {}: cannot read or take the fleet's lease: {}", id, e.toString());
        }
    }

    /**
     * Sums the other live replicas' users (quotas, budgets and fair share count them), settles this replica's
     * claims on running quotas, and shares the fleet's cost: the leader among all, every replica its own part.
     */
    private void share(List<ReplicaStore.Beat> all, Set<String> gone) {
        List<ReplicaStore.Beat> live = all.stream().filter(b -> !gone.contains(b.replica())).toList();
        List<ReplicaStore.Beat> others = live.stream().filter(b -> !b.replica().equals(id)).toList();
        Optional<ReplicaStore.Beat> leader = live.stream().filter(b -> b.replica().equals(fleetHolder)).findFirst();
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
        return leadsFleet && mayDispatch();
    }

    /** The other live replicas' backlogs, as of their last beats: the leader sizes the fleet by the sum. */
    public long othersBacklog() {
        return othersBacklog;
    }

    private void beat() {
        long sent = clock.millis();
        // past this, another replica may have judged this one gone and taken its jobs
        boolean lapsed = sent - renewedAt >= timing.lease().toMillis() - timing.margin().toMillis();
        try {
            List<JobState> jobs = scheduler.jobStates();
            Map<String, ReplicaStore.UserFigures> users = shared.users(jobs, Billing.monthStart(clock));
            store.beat(new ReplicaStore.Beat(id, address, count.incrementAndGet(), sent, scheduler.liveJobs(), scheduler.backlog(),
                    users, shared.fleet().taskSeconds(jobs), shared.given()));
            renewedAt = sent;
            if (failing) {
                log.info("replica {}: heartbeat renewed again", id);
                failing = false;
            }
            if (lapsed || beats % CHECK_OWNERS_EVERY == CHECK_OWNERS_EVERY - 1) {
                takeovers.checkOwners();
            }
        } catch (RuntimeException e) {
            shared.notWritten();
            if (!failing) {
                log.warn("replica {}: heartbeat failed ({}); dispatch stops {} after the last one that went through", id,
                        e.toString(), timing.lease().minus(timing.margin()));
                failing = true;
            }
        }
    }

    /** Stops dispatching at once, then deletes the heartbeat item so the others take this replica's jobs without waiting a lease. */
    @Override
    public void close() {
        leaving = true;
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
