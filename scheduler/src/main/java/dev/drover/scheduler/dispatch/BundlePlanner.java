package dev.drover.scheduler.dispatch;

import dev.drover.core.codec.Json;
import dev.drover.core.model.Bundle;
import dev.drover.core.model.Task;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import dev.drover.core.workload.TaskSpec;
import dev.drover.core.workload.WorkloadException;
import dev.drover.core.workload.WorkloadReader;
import dev.drover.scheduler.model.SchedulerConfig;
import dev.drover.scheduler.job.Dependencies;
import dev.drover.scheduler.job.JobState;
import dev.drover.scheduler.job.JobWorkload;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a job's tasks into bundles by expected work: {@code sleep N} states its duration, shell
 * commands use what the job has measured so far. Sizes follow guided self-scheduling: a bundle
 * carries a {@link #SHARE_DIVISOR}-th of one fleet thread's share of the work still to dispatch
 * (at least {@code bundleWork}, at most {@link #MAX_BUNDLE_MILLIS}), so a long job travels in few
 * large bundles that shrink towards its end, where small ones even out the finish. A bundle also
 * stays under the message size and under a fair share of the job's tasks.
 *
 * <p>A bundle's id is its job, first task and task count: sending the same bundle again (after a
 * restart, or a send that failed half way) is a duplicate the claim store skips, never a re-run.
 */
public final class BundlePlanner implements AutoCloseable {
    /** Per-task cost of the machinery itself, so even {@code sleep 0} bundles have a size. */
    public static final double OVERHEAD_MILLIS = 0.05;
    /** Assumed run time of a shell command before the job has measured any. */
    public static final double UNMEASURED_SHELL_MILLIS = 100;
    public static final int MAX_TASKS_PER_BUNDLE = 5000;
    /** Guided self-scheduling: a bundle takes this fraction of a thread's share of the remaining work. */
    public static final int SHARE_DIVISOR = 2;
    /** Largest bundle, in expected work: bounds what a lost worker's successor may have to redo. */
    public static final double MAX_BUNDLE_MILLIS = 30_000;
    /** Bytes a task adds to a bundle besides its command: the JSON field names and numbers. */
    public static final int TASK_JSON_OVERHEAD_BYTES = 160;
    /** Why a task a failed dependency blocked was cancelled: the start of its result's error. */
    public static final String DEPENDENCY = "dependency";

    /** A bundle ready to send. */
    public record Planned(long firstSeq, int size, String body, List<Task> tasks) {}

    /**
     * Upper bounds on each bundle beyond the planner's own, so that under fair share one user's
     * bundle does not hold a fleet thread for long while others wait.
     */
    public record Caps(double maxBundleMillis, long maxBundleTasks) {
        /** No bound beyond the planner's own. */
        public static final Caps NONE = new Caps(Double.POSITIVE_INFINITY, Long.MAX_VALUE);
    }

    private final Sealer sealer;
    private final JobState job;
    private final SchedulerConfig config;
    private final Clock clock;
    private final int byteLimit;
    private WorkloadReader reader;
    private long seq; // the next task to plan
    private long end; // the first task not to plan
    private TaskSpec next;
    /** True if some of the job's tasks wait on others: then each task is let through its gate. */
    private final boolean gated;

    public BundlePlanner(JobState job, SchedulerConfig config, Clock clock, Sealer sealer, int byteLimit, long from)
            throws WorkloadException {
        this(job, config, clock, sealer, byteLimit, from, Long.MAX_VALUE);
    }

    /** A planner of tasks {@code from} … {@code end - 1} only (a held range). */
    public BundlePlanner(JobState job, SchedulerConfig config, Clock clock, Sealer sealer, int byteLimit, long from, long end)
            throws WorkloadException {
        this.end = end;
        this.job = job;
        this.sealer = sealer;
        this.config = config;
        this.clock = clock;
        this.byteLimit = byteLimit;
        this.reader = job.tasks().from(from);
        this.seq = from;
        this.next = read();
        this.gated = job.dependencies().any();
    }

    private TaskSpec read() throws WorkloadException {
        return seq < end ? reader.next() : null;
    }

    /**
     * Passes the stages at the job's cursor that wait: each one's rest is held by the job (sent once it
     * may go) and planning goes on below it. Only for the planner at the job's cursor. True if it passed any.
     */
    public boolean passWaiting() throws WorkloadException {
        boolean passed = false;
        while (next != null && gate() == Dependencies.Gate.WAITING) {
            long to = job.held().hold(seq);
            if (to - seq < JobWorkload.STRIDE) { // reading on is cheaper than a jump through the index
                for (seq++; seq < to && reader.next() != null; seq++) {
                    // passes a held task
                }
            } else {
                reader.close();
                reader = job.tasks().from(to);
            }
            seq = to;
            next = read();
            passed = true;
        }
        return passed;
    }

    /** The next task this planner plans (it plans nothing from {@link #end()} on). */
    public long seq() {
        return seq;
    }

    public long end() {
        return end;
    }

    /** Plans up to task {@code newEnd} (exclusive) from now on: a held range that follows on from where it stands. */
    public void until(long newEnd) throws WorkloadException {
        end = newEnd;
        if (next == null && seq < end) {
            next = reader.next();
        }
    }

    public boolean hasNext() {
        return next != null;
    }

    /** Whether the next task may go now (READY also when there is none). */
    public Dependencies.Gate gate() {
        return next == null || !gated ? Dependencies.Gate.READY : job.dependencies().gate(seq, next.replica());
    }

    /**
     * Takes the run of next tasks (at most {@code max}) that a dependency which did not succeed
     * blocks, as CANCELLED results naming it; empty if the next task is not blocked.
     */
    public List<TaskResult> takeBlocked(int max, long now) throws WorkloadException {
        List<TaskResult> out = new ArrayList<>();
        while (next != null && out.size() < max && gate() == Dependencies.Gate.BLOCKED) {
            long up = job.dependencies().blocker(seq, next.replica());
            out.add(TaskResult.decided(job.jobId(), next.toTask(seq, job.files()), TaskStatus.CANCELLED,
                    DEPENDENCY + ": task " + up + " ended " + job.status(up), now));
            seq++;
            next = read();
        }
        return out;
    }

    /**
     * The next batch: up to {@code maxBundles} bundles of at most {@code maxTasks} tasks in all, or the
     * bundles of exactly these sizes (a re-send).
     */
    public List<Planned> plan(int maxBundles, long maxTasks, List<Integer> exactSizes) throws WorkloadException {
        return plan(maxBundles, maxTasks, exactSizes, Caps.NONE);
    }

    /** The same, each bundle also within {@code caps} (unless its sizes are fixed: a re-send). */
    public List<Planned> plan(int maxBundles, long maxTasks, List<Integer> exactSizes, Caps caps) throws WorkloadException {
        long bundleTasks = Math.min(maxTasks, caps.maxBundleTasks());
        List<Planned> out = new ArrayList<>();
        long left = exactSizes.isEmpty() ? Math.max(1, maxTasks) : Long.MAX_VALUE;
        while (next != null && left > 0 && (exactSizes.isEmpty() ? out.size() < maxBundles : out.size() < exactSizes.size())) {
            long want = exactSizes.isEmpty() ? left : exactSizes.get(out.size());
            List<Task> tasks = new ArrayList<>();
            double target = 0;
            double work = 0;
            long bytes = 0;
            while (next != null && tasks.size() < want && (!exactSizes.isEmpty() || gate() == Dependencies.Gate.READY)) {
                Task task = job.dependencies().task(seq, next);
                long taskBytes = task.command().getBytes(StandardCharsets.UTF_8).length + TASK_JSON_OVERHEAD_BYTES
                        + task.extraJsonBytes();
                double taskWork = expectedMillis(task);
                if (tasks.isEmpty()) {
                    target = Math.min(caps.maxBundleMillis(), target(job.total() - seq, taskWork));
                } else if (exactSizes.isEmpty() && (work >= target - 1e-6 || bytes + taskBytes > byteLimit
                        || tasks.size() >= bundleTasks)) {
                    break; // (the tolerance: a float sum of equal parts may fall a hair short of their product)
                }
                tasks.add(task);
                work += taskWork;
                bytes += taskBytes;
                seq++;
                next = read();
            }
            if (tasks.isEmpty()) {
                break; // the next task waits on a dependency
            }
            left -= tasks.size();
            encode(tasks, exactSizes.isEmpty(), out);
            job.times().expect(work, tasks.size());
        }
        return out;
    }

    /** Bundles for these tasks (not read from the workload): a re-dispatch of lost work, under fresh ids. */
    public static List<Planned> replan(JobState job, SchedulerConfig config, Clock clock, Sealer sealer, int byteLimit,
                                       List<Task> tasks, String round) {
        long maxTasks = maxTasks(job, config);
        List<Planned> out = new ArrayList<>();
        for (int i = 0; i < tasks.size(); ) {
            int end = i + 1;
            while (end < tasks.size() && end - i < maxTasks && tasks.get(end).seq() == tasks.get(end - 1).seq() + 1) {
                end++;
            }
            List<Task> run = tasks.subList(i, end);
            String body = Json.bundleBody(new Bundle(id(job, run) + "~" + round, job.jobId(), clock.millis(), run, sealer.seal(job.jobId(), run)));
            if (body.getBytes(StandardCharsets.UTF_8).length > byteLimit && run.size() > 1) {
                end = i + run.size() / 2;
                run = tasks.subList(i, end);
                body = Json.bundleBody(new Bundle(id(job, run) + "~" + round, job.jobId(), clock.millis(), run, sealer.seal(job.jobId(), run)));
            }
            out.add(new Planned(run.get(0).seq(), run.size(), body, List.copyOf(run)));
            i = end;
        }
        return out;
    }

    public static String id(JobState job, List<Task> tasks) {
        return job.jobId() + ":" + tasks.get(0).seq() + ":" + tasks.size();
    }

    private static long maxTasks(JobState job, SchedulerConfig config) {
        return Math.max(1, Math.min(MAX_TASKS_PER_BUNDLE, (job.total() + config.fleetThreads() - 1) / config.fleetThreads()));
    }

    /**
     * Adds the bundle to {@code out}; one whose encoding turns out over the size limit (commands
     * full of escaped characters) is halved until each half fits, unless its size is fixed (a re-send).
     */
    private void encode(List<Task> tasks, boolean mayHalve, List<Planned> out) {
        String body = Json.bundleBody(new Bundle(id(job, tasks), job.jobId(), clock.millis(), tasks, sealer.seal(job.jobId(), tasks)));
        if (mayHalve && tasks.size() > 1 && body.getBytes(StandardCharsets.UTF_8).length > byteLimit) {
            int half = tasks.size() / 2;
            encode(tasks.subList(0, half), true, out);
            encode(tasks.subList(half, tasks.size()), true, out);
            return;
        }
        out.add(new Planned(tasks.get(0).seq(), tasks.size(), body, List.copyOf(tasks)));
    }

    private double expectedMillis(Task task) {
        long sleep = task.sleepMillis();
        if (sleep >= 0) {
            return sleep + OVERHEAD_MILLIS;
        }
        double measured = job.times().meanShellThreadMillis();
        return (measured < 0 ? UNMEASURED_SHELL_MILLIS : measured) + OVERHEAD_MILLIS;
    }

    private double target(long remainingTasks, double taskMillis) {
        double share = remainingTasks * taskMillis / ((double) SHARE_DIVISOR * config.fleetThreads());
        return Math.max(config.bundleWork().toMillis(), Math.min(MAX_BUNDLE_MILLIS, share));
    }

    @Override
    public void close() {
        reader.close();
    }
}
