package dev.drover.scheduler.replica;

import dev.drover.core.port.Fence;
import dev.drover.core.port.ReplicaStore;
import dev.drover.scheduler.Scheduler;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the unfinished jobs of gone replicas, on its own thread, so that taking up many (a workload and
 * results each) never delays this replica's beats: a beat asks ({@link #request}), and a beat that asks
 * while a takeover runs leaves its request for the run to pick up when it ends, so none is dropped. A
 * gone replica none of whose jobs a scan found left is not scanned for again.
 */
final class Takeovers implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Takeovers.class);

    private final ReplicaStore store;
    private final Scheduler scheduler;
    private final String id;
    private final ReplicaTiming timing;
    private final Clock clock;
    private volatile Consumer<ReplicaNode.Takeover> onTakeover = t -> { };
    private volatile boolean closed;
    /** Jobs taken here whose taking up failed: the next scan tries again. */
    private final Set<String> unadopted = ConcurrentHashMap.newKeySet();
    /** Gone replicas whose jobs a scan found all taken: no more scans for them. */
    private final Set<String> settled = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean taking = new AtomicBoolean();
    private final AtomicReference<TakeRequest> wanted = new AtomicReference<>();
    private volatile long takingSince;
    /** The other way round: jobs held here that another replica has taken. */
    private final OwnerCheck owners;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "drover-replica-takeover");
        t.setDaemon(true);
        return t;
    });

    Takeovers(ReplicaStore store, Scheduler scheduler, String id, ReplicaTiming timing, Clock clock) {
        this.store = store;
        this.scheduler = scheduler;
        this.id = id;
        this.timing = timing;
        this.clock = clock;
        this.owners = new OwnerCheck(store, scheduler, id);
    }

    /** Re-reads the owners of the running jobs held here, on a thread of its own, and drops those taken from it. */
    void checkOwners() {
        owners.request();
    }

    void onTakeover(Consumer<ReplicaNode.Takeover> listener) {
        this.onTakeover = listener;
    }

    /**
     * From a beat: scans for jobs to take if a gone replica is not settled yet, a job taken here is still to
     * be taken up, or {@code periodic} (a job orphaned in between finds an owner).
     */
    void request(Set<String> gone, Set<String> present, boolean periodic, long now) {
        settled.retainAll(gone); // a replica that beat again and is gone again has jobs again
        if (settled.containsAll(gone) && !periodic && unadopted.isEmpty()) {
            return;
        }
        wanted.set(new TakeRequest(Set.copyOf(gone), Set.copyOf(present)));
        if (taking.compareAndSet(false, true)) {
            takingSince = now;
            thread.execute(this::takeWanted);
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
            if (!orphan || closed) {
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
        // a gone replica none of whose jobs is left unfinished needs no more scans (else every survivor would read the unfinished jobs every beat)
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
            onTakeover.accept(new ReplicaNode.Takeover(jobId, from, epoch, clock.millis()));
        } catch (Exception e) {
            log.error("replica {}: job {} is this replica's (epoch {}) but could not be taken up; the next scan tries again",
                    id, jobId, epoch, e);
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.shutdownNow();
        owners.close();
    }
}
