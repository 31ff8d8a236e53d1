package dev.drover.scheduler.job;

import dev.drover.core.model.TaskResult;
import dev.drover.core.port.Fence;
import dev.drover.core.port.FencedOutException;
import dev.drover.core.port.JobRecord;
import dev.drover.core.port.JobStore;
import dev.drover.core.port.PayloadStore;
import dev.drover.core.port.ResultChunk;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.Supplier;
import dev.drover.core.memory.InMemoryJobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the scheduler writes so that a restart loses nothing: the workload (to the payload store),
 * the job record with its dispatch cursor, and every chunk of results. Does nothing when the
 * backend has no job store (the in-JVM pool dies with the scheduler anyway). When a job ends, its
 * record and results are marked to expire after the retention (DynamoDB's TTL).
 *
 * <p>A scheduler replica ({@link #ownAs}) writes each job it owns under the job's {@link Fence}: a
 * write after another replica took the job fails, the job is handed to the {@code lost} listener
 * (which stops acting on it) and the write's caller gets the {@link FencedOutException}.
 *
 * <p>A submit's two writes, the workload and the first record, go in parallel: a job's start waited 13 ms
 * for them one after the other on a loaded machine here, and on AWS an S3 put alone takes tens of ms. A
 * crash between them may leave a record without its workload; {@link Recovery} forgets such a record.
 */
public final class Persistence {
    private static final Logger log = LoggerFactory.getLogger(Persistence.class);
    private final Optional<JobStore> store;
    private final PayloadStore payloads;
    private final Retention retention;
    private final Map<String, Fence> fences = new ConcurrentHashMap<>();
    private volatile String replica;
    private volatile Consumer<String> lost = jobId -> { };

    /** Puts submitted workloads beside the record's save; idle threads end after a minute. */
    private final ExecutorService workloadPuts = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "drover-workload-put");
        t.setDaemon(true);
        return t;
    });

    /** Submits' idempotency keys: in the job store, shared by replicas; without one, in this JVM until their job is forgotten. */
    private final JobStore idempotencyKeys;

    public Persistence(Optional<JobStore> store, PayloadStore payloads) {
        this(store, payloads, Retention.defaults());
    }

    public Persistence(Optional<JobStore> store, PayloadStore payloads, Retention retention) {
        this.store = store;
        this.idempotencyKeys = store.orElseGet(InMemoryJobStore::new);
        this.payloads = payloads;
        this.retention = retention;
    }

    public static String workloadKey(String jobId) {
        return "workloads/" + jobId;
    }

    /** From now on new jobs are owned by {@code replica} (epoch 1), and a write fenced out tells {@code lost} the job's id. */
    public void ownAs(String replica, Consumer<String> lost) {
        if (store.isEmpty()) {
            throw new IllegalStateException("replicas need a job store");
        }
        this.replica = replica;
        this.lost = lost;
    }

    /** Writes for this job go under {@code fence} (a job this replica has just taken). */
    public void fence(String jobId, Fence fence) {
        fences.put(jobId, fence);
    }

    /** The job's fence, if this replica owns it. */
    public Optional<Fence> fenceOf(String jobId) {
        return Optional.ofNullable(fences.get(jobId));
    }

    /** Forgets the job's fence (it was lost, or released). */
    public void unfence(String jobId) {
        fences.remove(jobId);
    }

    /**
     * Stores a new job's workload and first record, both before its submit is answered. If either write fails,
     * the other is undone (as far as the store lets it) and the failure goes to the caller.
     */
    public void submitted(JobState job) {
        store.ifPresent(s -> {
            String key = workloadKey(job.jobId());
            CompletableFuture<Void> put = CompletableFuture.runAsync(() -> payloads.putFile(key, job.workload()), workloadPuts);
            if (replica != null) {
                fences.put(job.jobId(), new Fence(replica, 1));
            }
            try {
                save(s, job.record());
            } catch (RuntimeException e) {
                put.handle((done, failed) -> failed == null ? undo(() -> payloads.delete(key), job) : null);
                throw e;
            }
            try {
                put.join();
            } catch (CompletionException e) {
                undo(() -> s.delete(job.jobId()), job);
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        });
    }

    private static Void undo(Runnable delete, JobState job) {
        try {
            delete.run();
        } catch (RuntimeException e) {
            log.warn("job {}: its submit failed, and undoing its other write failed too ({})", job.jobId(), e.toString());
        }
        return null;
    }

    /** Saves the job's record as it stands (its final one once it has ended), unless the job was deleted. */
    public void saveCursor(JobState job) {
        store.ifPresent(s -> {
            synchronized (job.saves()) {
                if (job.saves().forgotten()) {
                    return;
                }
                save(s, job.record());
                if (job.done() && job.markExpiring()) {
                    s.expireAt(job.jobId(), retention.expiresAt(job.finishedAt()));
                }
            }
        });
    }

    /**
     * Saves the record {@code record} makes before a send, unless the job has ended, was cancelled or
     * deleted meanwhile: then nothing is saved and nothing should be sent. True if the send may go.
     */
    public boolean saveBeforeSend(JobState job, Supplier<JobRecord> record) {
        synchronized (job.saves()) {
            if (job.done() || job.cancelled() || job.saves().forgotten()) {
                return false;
            }
            store.ifPresent(s -> save(s, record.get()));
            return true;
        }
    }

    /** Deletes an expired job's record and results; no save of {@code job} runs after it. */
    public void forget(JobState job) {
        synchronized (job.saves()) {
            job.saves().forget();
            forget(job.jobId());
        }
    }

    /** Deletes an expired job's record and results (a job not taken up, at recovery). */
    public void forget(String jobId) {
        store.ifPresent(s -> s.delete(jobId));
        if (store.isEmpty()) {
            idempotencyKeys.delete(jobId);
        }
    }

    /** Ties the owner's submit key to {@code jobId} unless it is tied already; answers the job it is tied to. */
    public String claimIdempotencyKey(String owner, String key, String jobId) {
        return idempotencyKeys.claimIdempotencyKey(owner, key, jobId);
    }

    private void save(JobStore s, JobRecord record) {
        Fence fence = fences.get(record.jobId());
        if (fence == null) {
            s.save(record);
            return;
        }
        try {
            s.save(record, fence);
        } catch (FencedOutException e) {
            lost(record.jobId());
            throw e;
        }
    }

    /**
     * Stores chunks of the job's results, in as few calls as the store can; an owner's write is fenced.
     * Once a job is done every result is a repeat, and a chunk written now would miss the job's TTL.
     */
    public void results(JobState job, List<ResultChunk> chunks) {
        List<ResultChunk> some = chunks.stream().filter(c -> !c.results().isEmpty()).toList();
        if (some.isEmpty() || job.done()) {
            return;
        }
        store.ifPresent(s -> {
            Fence fence = fences.get(job.jobId());
            if (fence == null) {
                s.appendResults(job.jobId(), some);
                return;
            }
            try {
                s.appendResults(job.jobId(), some, fence);
            } catch (FencedOutException e) {
                lost(job.jobId());
                throw e;
            }
        });
    }

    private void lost(String jobId) {
        fences.remove(jobId);
        lost.accept(jobId);
    }

    public boolean durable() {
        return store.isPresent();
    }
}
