package dev.drover.scheduler.job;

import dev.drover.core.Usage;
import dev.drover.core.codec.Json;
import dev.drover.core.model.Commands;
import dev.drover.core.model.JobStatus;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStart;
import dev.drover.core.model.TaskStatus;
import dev.drover.core.port.JobRecord;
import dev.drover.scheduler.JobView;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The scheduler's live view of one job: one status byte per task (so a million tasks cost a
 * megabyte), counts per status, the result log, and what the job has cost so far.
 * Results are idempotent by task id: the first final result of a task wins.
 */
public final class JobState {
    private static final TaskStatus[] STATUSES = TaskStatus.values();

    public final String jobId;
    public final String name;
    public final String owner;
    public final long total;
    public final long submittedAt;
    public final Path workload;
    public final ResultLog log;
    /** The SHA-256 of the job's files pack, or null: every task of the job carries it. */
    public final String files;
    /** The job's place among its owner's jobs under fair share: higher is dispatched first (default 0). */
    public final int priority;
    /** Priorities run from minus this to this. */
    public static final int MAX_PRIORITY = 1000;
    private final byte[] status;
    private final long[] counts = new long[STATUSES.length];
    private final Set<String> workers = new HashSet<>();
    /** The tasks running now: as many as the fleet has threads, not as the job has tasks. */
    private final Map<Long, Running> running = new HashMap<>();
    /** Latencies (queued to done) of the tasks that ran, in buckets a quarter of a power of 2 wide. */
    private final long[] latencyBuckets = new long[LATENCY_BUCKETS];
    /** Failures by cause (exit code and first line of stderr), at most {@link #MAX_FAILURE_GROUPS}. */
    private final Map<String, FailureGroup> failures = new java.util.LinkedHashMap<>();
    static final int LATENCY_BUCKETS = 120;
    static final int MAX_FAILURE_GROUPS = 50;
    static final int SAMPLES = 5;
    private long finalCount;
    private long finishedAt;
    private boolean cancelled;
    private volatile long dispatched;
    private List<Integer> sending = List.of();
    private long lastResultAt;
    private Usage usage = Usage.ZERO;
    private long duplicates;
    private long shellMillis;
    private long shellRuns;
    private long runMillis;
    private long runs;
    private double expectedMillis;
    private long expected;

    public JobState(String jobId, String name, String owner, long total, long submittedAt, Path workload, Path resultFile) {
        this(jobId, name, owner, total, submittedAt, workload, resultFile, null);
    }

    public JobState(String jobId, String name, String owner, long total, long submittedAt, Path workload, Path resultFile,
                    String files) {
        this(jobId, name, owner, total, submittedAt, workload, resultFile, files, 0);
    }

    public JobState(String jobId, String name, String owner, long total, long submittedAt, Path workload, Path resultFile,
                    String files, int priority) {
        this.files = files;
        this.priority = priority;
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a job holds at most " + (Integer.MAX_VALUE - 8) + " tasks");
        }
        this.jobId = jobId;
        this.name = name;
        this.owner = owner;
        this.total = total;
        this.submittedAt = submittedAt;
        this.workload = workload;
        this.log = new ResultLog(resultFile);
        this.status = new byte[(int) total];
        counts[TaskStatus.QUEUED.ordinal()] = total;
        this.lastResultAt = submittedAt;
    }

    /** A task that has started and has no final result yet: where it runs and since when. */
    public record Running(long seq, String worker, long startedAt) {}

    /**
     * Marks tasks as RUNNING on {@code worker}. A start never changes a final task, and of two starts
     * of one task (a repeat, or a re-run after its first worker died) the later one wins, whatever
     * order they arrive in; so starts may be late, repeated or reordered. Returns how many applied.
     */
    public synchronized int started(String worker, List<TaskStart> starts) {
        int applied = 0;
        for (TaskStart s : starts) {
            if (s.seq() < 0 || s.seq() >= total) {
                continue;
            }
            int i = (int) s.seq();
            TaskStatus was = STATUSES[status[i]];
            if (was.isFinal()) {
                continue;
            }
            Running now = running.get(s.seq());
            if (now != null && now.startedAt() > s.startedAt()) {
                continue;
            }
            if (was == TaskStatus.QUEUED) {
                status[i] = (byte) TaskStatus.RUNNING.ordinal();
                counts[TaskStatus.QUEUED.ordinal()]--;
                counts[TaskStatus.RUNNING.ordinal()]++;
            }
            running.put(s.seq(), new Running(s.seq(), worker, s.startedAt()));
            applied++;
        }
        return applied;
    }

    /** The lowest seq that is QUEUED (not started, not final), or -1. */
    public synchronized long firstQueued() {
        for (int i = 0; i < status.length; i++) {
            if (status[i] == TaskStatus.QUEUED.ordinal()) {
                return i;
            }
        }
        return -1;
    }

    /** QUEUED tasks below this seq. */
    public synchronized long queuedBefore(long seq) {
        long n = 0;
        for (int i = 0; i < Math.min(seq, status.length); i++) {
            if (status[i] == TaskStatus.QUEUED.ordinal()) {
                n++;
            }
        }
        return n;
    }

    /** The task's run if it is RUNNING now, else empty. */
    public synchronized java.util.Optional<Running> running(long seq) {
        return java.util.Optional.ofNullable(running.get(seq));
    }

    /** Up to {@code limit} of the tasks running now, longest-running first. */
    public synchronized List<Running> runningTasks(int limit) {
        return running.values().stream().sorted(java.util.Comparator.comparingLong(Running::startedAt)
                .thenComparingLong(Running::seq)).limit(limit).toList();
    }

    /** Tasks that failed for one cause: its exit code (null: none, e.g. a timeout) and first line of stderr. */
    public record FailureGroup(TaskStatus status, Integer exitCode, String firstLine, long count, List<Long> sampleSeqs) {}

    private void recordRun(TaskResult r) {
        if (!r.worker().isEmpty() && r.status() != TaskStatus.CANCELLED) {
            double ms = Math.max(0, r.latencyMillis());
            latencyBuckets[(int) Math.min(LATENCY_BUCKETS - 1, Math.floor(4 * Math.log(ms + 1) / Math.log(2)))]++;
        }
        if (r.status() != TaskStatus.FAILED && r.status() != TaskStatus.TIMED_OUT) {
            return;
        }
        String text = r.stderr() != null && !r.stderr().isBlank() ? r.stderr() : r.error() != null ? r.error() : "";
        String first = text.strip().lines().findFirst().orElse("");
        if (first.length() > 200) {
            first = first.substring(0, 200) + "…";
        }
        String key = r.status() + "|" + r.exitCode() + "|" + first;
        FailureGroup g = failures.get(key);
        if (g == null && failures.size() >= MAX_FAILURE_GROUPS) {
            key = "other";
            g = failures.get(key);
            if (g == null) {
                g = new FailureGroup(r.status(), null, "(other causes: more than " + MAX_FAILURE_GROUPS + " kinds)", 0, List.of());
            }
        } else if (g == null) {
            g = new FailureGroup(r.status(), r.exitCode(), first, 0, List.of());
        }
        List<Long> samples = g.sampleSeqs();
        if (samples.size() < SAMPLES) {
            samples = new ArrayList<>(samples);
            samples.add(r.seq());
        }
        failures.put(key, new FailureGroup(g.status(), g.exitCode(), g.firstLine(), g.count() + 1, List.copyOf(samples)));
    }

    /** Failures grouped by cause, the largest group first. */
    public synchronized List<FailureGroup> failureGroups() {
        return failures.values().stream().sorted(java.util.Comparator.comparingLong(FailureGroup::count).reversed()).toList();
    }

    /**
     * Latency percentiles (queued to done) of the tasks that ran, in ms: each the upper edge of its
     * bucket, so within 19 % above the true value. Empty before the first result.
     */
    public synchronized Map<String, Long> latencyPercentiles() {
        long n = 0;
        for (long c : latencyBuckets) {
            n += c;
        }
        Map<String, Long> out = new java.util.LinkedHashMap<>();
        if (n == 0) {
            return out;
        }
        for (double p : new double[] {0.5, 0.95, 0.99}) {
            long rank = (long) Math.ceil(p * n);
            long seen = 0;
            for (int i = 0; i < LATENCY_BUCKETS; i++) {
                seen += latencyBuckets[i];
                if (seen >= rank) {
                    out.put("p" + Math.round(p * 100), Math.round(Math.pow(2, (i + 1) / 4.0) - 1));
                    break;
                }
            }
        }
        return out;
    }

    /** Records the results not seen before and returns them; repeats of a task are skipped and counted. */
    public synchronized List<TaskResult> accept(List<TaskResult> results, long now) {
        List<TaskResult> fresh = new ArrayList<>(results.size());
        List<String> lines = new ArrayList<>(results.size());
        for (TaskResult r : results) {
            if (r.seq() < 0 || r.seq() >= total || STATUSES[status[(int) r.seq()]].isFinal()) {
                duplicates++;
                continue;
            }
            counts[status[(int) r.seq()]]--;
            status[(int) r.seq()] = (byte) r.status().ordinal();
            running.remove(r.seq());
            recordRun(r);
            counts[r.status().ordinal()]++;
            finalCount++;
            if (!r.worker().isEmpty()) {
                workers.add(r.worker());
            }
            if (!r.worker().isEmpty() && r.status() != TaskStatus.CANCELLED) {
                runMillis += r.durationMillis();
                runs++;
                if (Commands.sleepMillis(r.command()) < 0) {
                    shellMillis += r.durationMillis();
                    shellRuns++;
                }
            }
            fresh.add(r);
            lines.add(Json.write(r));
        }
        log.append(lines);
        if (!fresh.isEmpty()) {
            lastResultAt = now;
        }
        if (finalCount == total && finishedAt == 0) {
            finishedAt = now;
            notifyAll();
        }
        return fresh;
    }

    public synchronized TaskStatus status(long seq) {
        return STATUSES[status[(int) seq]];
    }

    /** Tasks not yet final: waiting to be dispatched, on the queue, or running. */
    public synchronized long remaining() {
        return total - finalCount;
    }

    public synchronized void markCancelled() {
        cancelled = true;
    }

    public synchronized boolean cancelled() {
        return cancelled;
    }

    public synchronized boolean done() {
        return finishedAt != 0;
    }

    /** Waits until every task has a final status. */
    public synchronized void awaitDone() throws InterruptedException {
        while (finishedAt == 0) {
            wait();
        }
    }

    /** Tasks on the queue or running: dispatched and not yet final. */
    public synchronized long outstanding() {
        return finishedAt != 0 || cancelled ? 0 : Math.max(0, dispatched - finalCount);
    }

    public long dispatched() {
        return dispatched;
    }

    public void dispatched(long n) {
        dispatched = n;
    }

    public synchronized void charge(Usage u) {
        usage = usage.plus(u);
    }

    public synchronized void addDuplicates(long n) {
        duplicates += n;
    }

    /** Mean run time of the job's shell tasks so far, or -1 before the first one ends. */
    public synchronized double meanShellMillis() {
        return shellRuns == 0 ? -1 : (double) shellMillis / shellRuns;
    }

    /** Records the dispatcher's estimate for tasks just queued, used until results are measured. */
    public synchronized void expect(double millis, long tasks) {
        expectedMillis += millis;
        expected += tasks;
    }

    /** Total measured run time and count of finished tasks, else the dispatcher's estimate: {millis, tasks}. */
    public synchronized double[] taskTime() {
        return runs > 0 ? new double[] {runMillis, runs} : new double[] {expectedMillis, expected};
    }

    public synchronized JobStatus state() {
        return cancelled ? JobStatus.CANCELLED : finishedAt != 0 ? JobStatus.DONE
                : dispatched > 0 ? JobStatus.RUNNING : JobStatus.SUBMITTED;
    }

    public synchronized JobRecord record() {
        return new JobRecord(jobId, name, owner, total, dispatched, sending, state(), submittedAt, finishedAt, files, priority);
    }

    /** The record to save before sending bundles of these sizes: the cursor past them. */
    public synchronized JobRecord recordSending(List<Integer> sizes) {
        return new JobRecord(jobId, name, owner, total, dispatched + sizes.stream().mapToLong(Integer::longValue).sum(),
                sizes, state(), submittedAt, finishedAt, files, priority);
    }

    /** Moves the cursor past bundles of these sizes, about to be sent (once their record is saved). */
    public synchronized void sending(List<Integer> sizes) {
        sending = List.copyOf(sizes);
        dispatched += sizes.stream().mapToLong(Integer::longValue).sum();
    }

    /** When the job last received a result (or was submitted): how long its work has been silent. */
    public synchronized long lastResultAt() {
        return lastResultAt;
    }

    /** The seqs below the dispatch cursor that have no final result yet. */
    public synchronized List<Long> unreported() {
        List<Long> seqs = new ArrayList<>();
        for (long seq = 0; seq < dispatched; seq++) {
            if (!STATUSES[status[(int) seq]].isFinal()) {
                seqs.add(seq);
            }
        }
        return seqs;
    }

    public synchronized JobView view(long now) {
        Map<TaskStatus, Long> byStatus = new EnumMap<>(TaskStatus.class);
        for (TaskStatus s : STATUSES) {
            byStatus.put(s, counts[s.ordinal()]);
        }
        long end = finishedAt != 0 ? finishedAt : now;
        double wall = Math.max(1, end - submittedAt) / 1000.0;
        return new JobView(jobId, name, owner, state(), total, dispatched, byStatus, submittedAt, finishedAt,
                wall, finalCount / wall, usage.sqsRequests(), usage.dynamoWrites(), usage.dynamoReads(),
                usage.s3Requests(), duplicates, workers.size());
    }
}
