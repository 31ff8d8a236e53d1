package dev.drover.scheduler.replica;

import dev.drover.core.Periodic;
import dev.drover.core.port.Fence;
import dev.drover.core.port.ReplicaStore;
import dev.drover.scheduler.Scheduler;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
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
    private volatile Consumer<Takeover> onTakeover = t -> { };
    /** The singleton lease of the fleet provisioner: one replica sizes the one fleet. */
    public static final String FLEET = "fleet";
    private volatile boolean leadsFleet;
    private volatile long othersBacklog;
    private int beats; // heartbeat thread only
    private boolean failing; // heartbeat thread only
    private Periodic heartbeat;
    /** Jobs taken here whose taking up failed: the next scan tries again. Takeover thread only. */
    private final Set<String> unadopted = ConcurrentHashMap.newKeySet();
    /** Gone replicas whose jobs a scan found all taken: no more scans for them. */
    private final Set<String> settled = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean taking = new AtomicBoolean();
    private final AtomicReference<TakeRequest> wanted = new AtomicReference<>();
    private volatile long takingSince;
    private final java.util.concurrent.ExecutorService takeover = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "drover-replica-takeover");
        t.setDaemon(true);
        return t;
    });

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
        this.onTakeover = listener;
        return this;
    }

    /**
     * Beats once (it must succeed: a replica nobody can see must not own anything), gates the
     * scheduler's dispatch on the lease, and starts beating every heartbeat.
     */
    public ReplicaNode start() {
        scheduler.dispatchGate(this::mayDispatch);
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
        othersBacklog = all.stream().filter(b -> !b.replica().equals(id) && !gone.contains(b.replica()))
                .mapToLong(ReplicaStore.Beat::backlog).sum();
        lead(gone, present);
        beats++;
        settled.retainAll(gone); // a replica that beat again and is gone again has jobs again
        boolean unsettled = !settled.containsAll(gone);
        if ((!unsettled && beats % SCAN_EVERY_BEATS != 1 && unadopted.isEmpty()) || !mayDispatch()) {
            return;
        }
        // off the heartbeat thread: taking up many jobs (a workload and results each) must not delay this replica's own beats;
        // a beat while a takeover runs leaves its request for the run to pick up when it ends, so none is dropped
        wanted.set(new TakeRequest(Set.copyOf(gone), Set.copyOf(present)));
        if (taking.compareAndSet(false, true)) {
            takingSince = now;
            takeover.execute(this::takeWanted);
        } else if (now - takingSince > timing.lease().toMillis() * 2) {
            log.warn("replica {}: a takeover has been running for {} ms; gone replicas' jobs wait for it", id, now - takingSince);
        }
    }

    /** What the latest beat asked to be taken: the replicas judged gone and those present. */
    private record TakeRequest(Set<String> gone, Set<String> present) {}

    /** Takes what the beats asked for, until no request is left; takeover thread only. */
    private void takeWanted() {
        try {
            for (TakeRequest r = wanted.getAndSet(null); r != null; r = wanted.getAndSet(null)) {
                takeJobs(r.gone(), r.present());
            }
        } finally {
            taking.set(false);
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
            if (holder.isPresent() && holder.get().equals(id)) {
                leadsFleet = true;
            } else if (holder.isEmpty() || gone.contains(holder.get()) || !present.contains(holder.get())) {
                leadsFleet = store.lead(FLEET, id, holder);
                if (leadsFleet) {
                    log.warn("replica {}: now runs the fleet provisioner (it was {})", id, holder.orElse("nobody's"));
                }
            } else {
                leadsFleet = false;
            }
        } catch (RuntimeException e) {
            log.warn("replica {}: cannot read or take the fleet's lease: {}", id, e.toString());
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
        try {
            store.beat(new ReplicaStore.Beat(id, address, count.incrementAndGet(), sent, scheduler.liveJobs(), scheduler.backlog()));
            renewedAt = sent;
            if (failing) {
                log.info("replica {}: heartbeat renewed again", id);
                failing = false;
            }
        } catch (RuntimeException e) {
            if (!failing) {
                log.warn("replica {}: heartbeat failed ({}); dispatch stops {} after the last one that went through", id,
                        e.toString(), timing.lease().minus(timing.margin()));
                failing = true;
            }
        }
    }

    /** Takes every unfinished job whose owner is gone, or that has none (from before replicas, or its owner's item is gone). */
    private void takeJobs(Set<String> gone, Set<String> present) {
        long started = clock.millis();
        List<ReplicaStore.Owner> unfinished;
        try {
            unfinished = store.unfinished();
        } catch (RuntimeException e) {
            log.warn("replica {}: cannot list the unfinished jobs (the next beat tries again): {}", id, e.toString());
            return;
        }
        int taken = 0;
        Set<String> failedFor = new HashSet<>(); // gone replicas a job of which could not be taken: scanned again
        for (ReplicaStore.Owner o : unfinished) {
            if (id.equals(o.replica())) {
                // taken here, but taking it up failed: again (a job submitted here is not: its submit may still be
                // between writing its record and holding it, and taking it up then would make a second copy)
                if (unadopted.contains(o.jobId()) && scheduler.job(o.jobId()).isEmpty()) {
                    adopt(o.jobId(), o.epoch(), o.replica());
                }
                continue;
            }
            boolean orphan = o.replica() == null || gone.contains(o.replica()) || !present.contains(o.replica());
            if (!orphan || leaving) {
                continue;
            }
            // no check of this replica's own lease here: the take is fenced by the job's epoch, and dispatch is
            // gated on the lease anyway; skipping it after a slow scan would leave the job with nobody
            try {
                if (store.take(o.jobId(), id, o.epoch())) {
                    adopt(o.jobId(), o.epoch() + 1, o.replica());
                    taken++;
                } else {
                    log.info("replica {}: job {} of {} moved before it could be taken (epoch {} no more)", id, o.jobId(),
                            o.replica(), o.epoch());
                }
            } catch (RuntimeException e) {
                failedFor.add(o.replica());
                log.error("replica {}: taking job {} from {} failed; the next scan tries again", id, o.jobId(), o.replica(), e);
            }
        }
        // a gone replica none of whose jobs is left unfinished needs no more scans (a Scan a beat would cost the whole table)
        gone.stream().filter(g -> !failedFor.contains(g)).forEach(settled::add);
        long took = clock.millis() - started;
        if (taken > 0 || took > timing.lease().minus(timing.margin()).toMillis()) {
            log.info("replica {}: {} unfinished jobs listed and {} taken in {} ms (gone: {})", id, unfinished.size(), taken, took, gone);
        }
    }

    private void adopt(String jobId, long epoch, String from) {
        try {
            unadopted.add(jobId);
            scheduler.adopt(jobId, new Fence(id, epoch));
            unadopted.remove(jobId);
            onTakeover.accept(new Takeover(jobId, from, epoch, clock.millis()));
        } catch (Exception e) {
            log.error("replica {}: job {} is this replica's (epoch {}) but could not be taken up; the next scan tries again",
                    id, jobId, epoch, e);
        }
    }

    /** Stops dispatching at once, then deletes the heartbeat item so the others take this replica's jobs without waiting a lease. */
    @Override
    public void close() {
        leaving = true;
        if (heartbeat != null) {
            heartbeat.stop(Duration.ofSeconds(2));
        }
        takeover.shutdownNow();
        try {
            store.leave(id);
        } catch (RuntimeException e) {
            log.warn("replica {}: could not delete its heartbeat; its jobs pass on when its lease runs out: {}", id, e.toString());
        }
    }
}
