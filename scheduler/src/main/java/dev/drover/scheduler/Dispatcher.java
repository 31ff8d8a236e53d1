package dev.drover.scheduler;

import dev.drover.core.codec.Json;
import dev.drover.core.model.Bundle;
import dev.drover.core.model.Task;
import dev.drover.core.port.MessageQueue;
import dev.drover.core.workload.TaskSpec;
import dev.drover.core.workload.WorkloadException;
import dev.drover.core.workload.WorkloadReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams each job's workload onto the request queue, first come first served across jobs.
 * Tasks are packed into bundles by expected work: {@code sleep N} states its duration, shell
 * commands use what the job has measured so far. Bundle sizes follow guided self-scheduling: a
 * bundle carries a {@link #SHARE_DIVISOR}-th of one fleet thread's share of the work still to
 * dispatch (at least {@code bundleWork}, at most {@link #MAX_BUNDLE_MILLIS}), so a long job travels
 * in few large bundles that shrink towards its end, where small ones even out the finish. A bundle
 * also stays under the message size and under a fair share of the job's tasks, so every fleet
 * thread gets work. Messages go out ten per call, and no more than {@code maxOutstanding} tasks
 * wait or run at once.
 */
final class Dispatcher implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
    /** Per-task cost of the machinery itself, so even {@code sleep 0} bundles have a size. */
    static final double OVERHEAD_MILLIS = 0.05;
    /** Assumed run time of a shell command before the job has measured any. */
    static final double UNMEASURED_SHELL_MILLIS = 100;
    private static final int MAX_TASKS_PER_BUNDLE = 5000;
    /** Guided self-scheduling: a bundle takes this fraction of a thread's share of the remaining work. */
    static final int SHARE_DIVISOR = 2;
    /** Largest bundle, in expected work: bounds what a lost worker's successor may have to redo. */
    static final double MAX_BUNDLE_MILLIS = 30_000;
    private static final int MAX_BUNDLE_BYTES = 256 * 1024;
    private static final int BUNDLE_MARGIN_BYTES = 2048;
    /** Bytes a task adds to a bundle besides its command: the JSON field names and numbers. */
    static final int TASK_JSON_OVERHEAD_BYTES = 160;

    private final SchedulerConfig config;
    private final Backend backend;
    private final Clock clock;
    private final Supplier<Collection<JobState>> activeJobs;
    private final Persistence persistence;
    private final BlockingQueue<JobState> jobs = new LinkedBlockingQueue<>();
    private final int bundleByteLimit;
    private volatile boolean running = true;

    Dispatcher(SchedulerConfig config, Backend backend, Clock clock, Supplier<Collection<JobState>> activeJobs,
               Persistence persistence) {
        this.config = config;
        this.backend = backend;
        this.clock = clock;
        this.activeJobs = activeJobs;
        this.persistence = persistence;
        // a bundle always fits one message of SQS's size (before compression), so none goes to S3
        this.bundleByteLimit = Math.min(backend.requests().maxMessageBytes(), MAX_BUNDLE_BYTES) - BUNDLE_MARGIN_BYTES;
    }

    void enqueue(JobState job) {
        jobs.add(job);
    }

    void stop() {
        running = false;
    }

    @Override
    public void run() {
        while (running) {
            try {
                dispatch(jobs.take());
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.error("dispatcher error", e);
            }
        }
    }

    private void dispatch(JobState job) {
        long maxTasks = Math.max(1, Math.min(MAX_TASKS_PER_BUNDLE,
                (job.total + config.fleetThreads() - 1) / config.fleetThreads()));
        double targetWork = config.bundleWork().toMillis();
        try (WorkloadReader reader = WorkloadReader.open(job.workload)) {
            long seq = 0;
            for (; seq < job.dispatched(); seq++) {
                reader.next(); // already on the queue before a restart
            }
            List<Task> bundle = new ArrayList<>();
            List<String> messages = new ArrayList<>();
            long queuedTasks = 0; // tasks in messages
            double queuedWork = 0;
            double work = 0;
            long bytes = 0;
            for (TaskSpec spec = reader.next(); spec != null && running && !job.cancelled(); spec = reader.next(), seq++) {
                Task task = spec.toTask(seq);
                long taskBytes = task.command().getBytes(StandardCharsets.UTF_8).length + TASK_JSON_OVERHEAD_BYTES;
                double taskWork = expectedMillis(job, task);
                // (the tolerance: a float sum of equal parts may fall a hair short of their product)
                if (!bundle.isEmpty() && (work >= targetWork - 1e-6 || bytes + taskBytes > bundleByteLimit
                        || bundle.size() >= maxTasks)) {
                    encode(job, bundle, messages);
                    queuedTasks += bundle.size();
                    queuedWork += work;
                    bundle = new ArrayList<>();
                    work = 0;
                    bytes = 0;
                    if (messages.size() >= MessageQueue.MAX_BATCH) {
                        send(job, messages, queuedTasks, queuedWork);
                        queuedTasks = 0;
                        queuedWork = 0;
                    }
                }
                if (bundle.isEmpty()) {
                    targetWork = bundleTarget(job.total - seq, taskWork);
                }
                bundle.add(task);
                work += taskWork;
                bytes += taskBytes;
            }
            if (!bundle.isEmpty() && !job.cancelled()) {
                encode(job, bundle, messages);
                queuedTasks += bundle.size();
                queuedWork += work;
            }
            if (!messages.isEmpty() && !job.cancelled()) {
                send(job, messages, queuedTasks, queuedWork);
            }
        } catch (WorkloadException e) {
            // validated at submission; only a vanished spool file gets here
            log.error("job {} cannot be dispatched: {}", job.jobId, e.getMessage());
        }
    }

    private static double expectedMillis(JobState job, Task task) {
        long sleep = task.sleepMillis();
        if (sleep >= 0) {
            return sleep + OVERHEAD_MILLIS;
        }
        double measured = job.meanShellMillis();
        return (measured < 0 ? UNMEASURED_SHELL_MILLIS : measured) + OVERHEAD_MILLIS;
    }

    /**
     * The expected work of a bundle that starts with {@code remainingTasks} left to dispatch, each
     * expected to take about {@code taskMillis}.
     */
    private double bundleTarget(long remainingTasks, double taskMillis) {
        double share = remainingTasks * taskMillis / ((double) SHARE_DIVISOR * config.fleetThreads());
        return Math.max(config.bundleWork().toMillis(), Math.min(MAX_BUNDLE_MILLIS, share));
    }

    /**
     * Adds the bundle's message to {@code messages}; a bundle whose encoding turns out over the
     * size limit (commands full of escaped characters) is halved until each half fits.
     */
    private void encode(JobState job, List<Task> tasks, List<String> messages) {
        String id = job.jobId + ":" + tasks.get(0).seq() + ":" + UUID.randomUUID().toString().substring(0, 8);
        String body = Json.write(new Bundle(id, job.jobId, clock.millis(), tasks));
        if (tasks.size() > 1 && body.getBytes(StandardCharsets.UTF_8).length > bundleByteLimit) {
            int half = tasks.size() / 2;
            encode(job, tasks.subList(0, half), messages);
            encode(job, tasks.subList(half, tasks.size()), messages);
            return;
        }
        messages.add(body);
    }

    /** Sends and clears {@code messages}, after waiting for room under the outstanding limit. */
    private void send(JobState job, List<String> messages, long tasks, double expectedMillis) {
        job.expect(expectedMillis, tasks);
        awaitRoom(tasks);
        for (int failures = 0; ; ) {
            try {
                backend.meter().charge(job::charge, () -> {
                    backend.requests().send(messages);
                    return null;
                });
                break;
            } catch (RuntimeException e) {
                log.warn("sending job {} bundles failed (attempt {}): {}", job.jobId, ++failures, e.toString());
                sleep(Math.min(5_000, 100L << Math.min(failures, 6)));
            }
        }
        job.dispatched(job.dispatched() + tasks);
        persistence.saveCursor(job);
        messages.clear();
    }

    private void awaitRoom(long tasks) {
        while (running) {
            long outstanding = activeJobs.get().stream().mapToLong(JobState::outstanding).sum();
            if (outstanding == 0 || outstanding + tasks <= config.maxOutstanding()) {
                return;
            }
            sleep(5);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
