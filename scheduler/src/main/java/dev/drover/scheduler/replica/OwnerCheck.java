package dev.drover.scheduler.replica;

import dev.drover.core.port.ReplicaStore;
import dev.drover.scheduler.Scheduler;
import dev.drover.scheduler.job.JobState;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-reads the owner of each running job this replica holds and drops those another replica owns now
 * ({@link Scheduler#lost}). A replica learns it lost a job when one of its fenced writes is refused;
 * one cut off for longer than its lease may have nothing left to write for a job (its dispatch done, and
 * the new owner collecting every result), and would answer for it from a stale copy forever. So a beat
 * that renews a lapsed lease asks for this check, and so does every {@value ReplicaNode#CHECK_OWNERS_EVERY}th
 * beat: one consistent read per running job, on a thread of its own so the beats never wait for it.
 */
final class OwnerCheck implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OwnerCheck.class);

    private final ReplicaStore store;
    private final Scheduler scheduler;
    private final String id;
    private final AtomicBoolean checking = new AtomicBoolean();
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "drover-replica-owner-check");
        t.setDaemon(true);
        return t;
    });

    OwnerCheck(ReplicaStore store, Scheduler scheduler, String id) {
        this.store = store;
        this.scheduler = scheduler;
        this.id = id;
    }

    /** Checks on the check's thread, unless a check is running already (it reads the owners afresh anyway). */
    void request() {
        if (checking.compareAndSet(false, true)) {
            thread.execute(() -> {
                try {
                    check();
                } finally {
                    checking.set(false);
                }
            });
        }
    }

    /** Reads each running job's owner; drops the jobs another replica holds. Returns how many were dropped. */
    int check() {
        List<String> held = scheduler.jobStates().stream().filter(j -> !j.done()).map(JobState::jobId).toList();
        int dropped = 0;
        for (String jobId : held) {
            Optional<ReplicaStore.Owner> owner;
            try {
                owner = store.owner(jobId);
            } catch (RuntimeException e) {
                log.warn("replica {}: cannot read the owner of job {} (the next check reads it again): {}", id, jobId, e.toString());
                continue;
            }
            // no record (a submit still writing it) or no owner: nothing says this replica lost it
            if (owner.isPresent() && owner.get().replica() != null && !owner.get().replica().equals(id)) {
                log.warn("replica {}: job {} is owned by {} at epoch {} now", id, jobId, owner.get().replica(), owner.get().epoch());
                scheduler.lost(jobId, owner.get().epoch());
                dropped++;
            }
        }
        return dropped;
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
