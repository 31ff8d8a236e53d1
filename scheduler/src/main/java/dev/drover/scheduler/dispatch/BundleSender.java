package dev.drover.scheduler.dispatch;

import dev.drover.core.InfrastructureException;
import dev.drover.core.RetryPolicy;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import dev.drover.scheduler.model.Backend;
import dev.drover.scheduler.job.JobState;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a job's batch of bundles on the request queue, metered to the job. A send that fails for a
 * moment is tried again a few times; a bundle the queue refuses outright is reported FAILED with
 * the queue's reason. Dispatcher thread only.
 */
final class BundleSender {
    private static final Logger log = LoggerFactory.getLogger(BundleSender.class);
    /** Send attempts for one batch before its job goes to the back of the line. */
    private static final int ATTEMPTS_BEFORE_YIELD = 3;

    private final Backend backend;
    private final Clock clock;
    private final BiConsumer<JobState, List<TaskResult>> decided;
    private final RetryPolicy retry = RetryPolicy.DEFAULT;
    private final Map<JobState, Integer> failures = new HashMap<>();

    /** @param decided records results the scheduler decides itself (here: FAILED, for a refused bundle) */
    BundleSender(Backend backend, Clock clock, BiConsumer<JobState, List<TaskResult>> decided) {
        this.backend = backend;
        this.clock = clock;
        this.decided = decided;
    }

    /** Sends the batch; false if it must be tried again later. Bundles the queue refuses are reported FAILED. */
    boolean send(JobState job, List<BundlePlanner.Planned> batch) {
        try {
            charge(job, batch.stream().map(BundlePlanner.Planned::body).toList());
            failures.remove(job);
            return true;
        } catch (RuntimeException e) {
            if (!RetryPolicy.retryable(e)) {
                sendEachOrFail(job, batch);
                failures.remove(job);
                return true;
            }
            int n = failures.merge(job, 1, Integer::sum);
            log.warn("sending job {} bundles failed (attempt {}): {}", job.jobId(), n, e.toString());
            pause(retry.delayFor(n, e).toMillis());
            return n % ATTEMPTS_BEFORE_YIELD != 0 && send(job, batch);
        }
    }

    /** Drops the count of the job's failed sends. */
    void forget(JobState job) {
        failures.remove(job);
    }

    /** One bundle at a time, so that only what the queue refuses fails, with the queue's reason. */
    private void sendEachOrFail(JobState job, List<BundlePlanner.Planned> batch) {
        for (BundlePlanner.Planned bundle : batch) {
            try {
                charge(job, List.of(bundle.body()));
            } catch (RuntimeException e) {
                if (RetryPolicy.retryable(e)) {
                    throw e;
                }
                String why = "the request queue refused this task's bundle: "
                        + (e instanceof InfrastructureException ie ? ie.errorCode() : e.getClass().getSimpleName());
                log.warn("job {}: {} tasks from {} failed: {}", job.jobId(), bundle.size(), bundle.firstSeq(), e.toString());
                long now = clock.millis();
                decided.accept(job, new ArrayList<>(bundle.tasks().stream()
                        .map(t -> TaskResult.decided(job.jobId(), t, TaskStatus.FAILED, why, now)).toList()));
            }
        }
    }

    private void charge(JobState job, List<String> bodies) {
        backend.meter().charge(job.cost()::charge, () -> {
            backend.requests().send(bodies);
            return null;
        });
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
