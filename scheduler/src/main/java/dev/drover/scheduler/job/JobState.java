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
import java.util.function.Consumer;

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
    private final JobWorkload tasks;
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
    /** What the shell tasks held their threads: less than their time while outputs upload off the thread. */
    private long shellThreadMillis;
    private long shellRuns;
    private long runMillis;
    private long runs;
    private double expectedMillis;
    private long expected;
    private Double budgetUsd;
    private String cancelReason;
    private double ec2WorkerSeconds;
    private double ec2Usd;
    private long outputBytes;
    /** Run time per command line, {millis, runs}, for forecasts: at most {@link #COMMANDS_KEPT} lines a job. */
    private final Map<String, long[]> commandTimes = new HashMap<>();
    static final int COMMANDS_KEPT = 1000;
    /** Set on an ended job recovered without its results: replays them into this state when first needed. */
    private Consumer<JobState> loader;
    /** True if the loader must run even for a view: the record had no counts per status. */
    private boolean countsUnknown;
    private boolean expiring;

    public JobState(String jobId, String name, String owner, long total, long submittedAt, Path workload, Path resultFile) {
        this(jobId, name, owner, total, submittedAt, workload, resultFile, null);
    }

    public JobState(String jobId, String name, String owner, long total, long submittedAt, Path workload, Path resultFile,
                    String files) {
        this(jobId, name, owner, total, submittedAt, workload, resultFile, files, 0);
    }

    public JobState(String jobId, String name, String owner, long total, long submittedAt, Path workload, Path resultFile,
                    String files, int priority) {
        this(jobId, name, owner, total, submittedAt, new JobWorkload(workload), resultFile, files, priority, false);
    }

    /** A job whose workload was just read whole (its index built). */
    public JobState(String jobId, String name, String owner, long total, long submittedAt, JobWorkload workload,
                    Path resultFile, String files, int priority) {
        this(jobId, name, owner, total, submittedAt, workload, resultFile, files, priority, false);
    }

    private JobState(String jobId, String name, String owner, long total, long submittedAt, JobWorkload workload,
                     Path resultFile, String files, int priority, boolean lazy) {
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
        this.workload = workload.file();
        this.tasks = workload;
        this.log = lazy ? new ResultLog(resultFile, this::load) : new ResultLog(resultFile);
        this.status = new byte[(int) total];
        counts[TaskStatus.QUEUED.ordinal()] = total;
        this.lastResultAt = submittedAt;
    }

    /**
     * An ended job, recovered from its record alone: its counts per status come from the record, and
     * its results ({@code loader} replays them through {@link #accept}) are read only when something
     * asks for a task, the result log or the failures. So a restart with many old jobs reads none of them.
     */
    public static JobState ended(JobRecord r, Path workload, Path resultFile, Consumer<JobState> loader) {
        JobState job = new JobState(r.jobId(), r.name(), r.owner(), r.total(), r.submittedAt(), new JobWorkload(workload),
                resultFile, r.files(), r.priority(), true);
        synchronized (job) {
            job.dispatched = r.dispatched();
            job.cancelled = r.state() == JobStatus.CANCELLED;
            job.cancelReason = job.cancelled ? (r.cancelReason() != null ? r.cancelReason() : CANCELLED_BY_USER) : null;
            job.budgetUsd = r.budgetUsd();
            job.finishedAt = r.finishedAt();
            job.lastResultAt = r.finishedAt();
            job.expiring = true;
            job.loader = loader;
            job.summarize(r.counts());
        }
        return job;
    }

    private void summarize(Map<TaskStatus, Long> known) {
        java.util.Arrays.fill(counts, 0);
        long sum = known.values().stream().mapToLong(Long::longValue).sum();
        countsUnknown = sum != total;
        if (countsUnknown) {
            counts[TaskStatus.QUEUED.ordinal()] = total;
        } else {
            known.forEach((s, n) -> counts[s.ordinal()] = n);
        }
        finalCount = total;
    }

    /** Replays an ended job's results if they are not loaded yet; a failure leaves it to be loaded again. */
    private synchronized void load() {
        Consumer<JobState> l = loader;
        if (l == null) {
            return;
        }
        loader = null;
        long ended = finishedAt;
        Map<TaskStatus, Long> summary = finalCounts();
        boolean unknown = countsUnknown;
        java.util.Arrays.fill(counts, 0);
        counts[TaskStatus.QUEUED.ordinal()] = total;
        finalCount = 0;
        finishedAt = 0;
        try {
            l.accept(this);
        } catch (RuntimeException e) {
            java.util.Arrays.fill(status, (byte) 0);
            java.util.Arrays.fill(latencyBuckets, 0);
            failures.clear();
            workers.clear();
            log.clear();
            summarize(summary);
            countsUnknown = unknown;
            loader = l;
            throw e;
        } finally {
            finishedAt = ended;
        }
        countsUnknown = false;
    }

    /** Tasks per final status, the statuses with none left out. */
    private Map<TaskStatus, Long> finalCounts() {
        Map<TaskStatus, Long> out = new EnumMap<>(TaskStatus.class);
        for (TaskStatus s : STATUSES) {
            if (s.isFinal() && counts[s.ordinal()] > 0) {
                out.put(s, counts[s.ordinal()]);
            }
        }
        return out;
    }

    /** The job's tasks, by number, from its saved workload file. */
    public JobWorkload tasks() {
        return tasks;
    }

    /** When every task had a final status (epoch ms), or 0. */
    public synchronized long finishedAt() {
        return finishedAt;
    }

    /** True the first time it is asked once the job has ended: its store items are then marked to expire. */
    synchronized boolean markExpiring() {
        if (expiring || finishedAt == 0) {
            return false;
        }
        expiring = true;
        return true;
    }

    /** A task that has started and has no final result yet: where it runs and since when. */
    public record Running(long seq, String worker, long startedAt) {}

    /**
     * Marks tasks as RUNNING on {@code worker}. A start never changes a final task, and of two starts
     * of one task (a repeat, or a re-run after its first worker died) the later one wins, whatever
     * order they arrive in; so starts may be late, repeated or reordered. Returns how many applied.
     */
    public synchronized int started(String worker, List<TaskStart> starts) {
        load();
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
        load();
        for (int i = 0; i < status.length; i++) {
            if (status[i] == TaskStatus.QUEUED.ordinal()) {
                return i;
            }
        }
        return -1;
    }

    /** QUEUED tasks below this seq. */
    public synchronized long queuedBefore(long seq) {
        load();
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
        load();
        return failures.values().stream().sorted(java.util.Comparator.comparingLong(FailureGroup::count).reversed()).toList();
    }

    /**
     * Latency percentiles (queued to done) of the tasks that ran, in ms: each the upper edge of its
     * bucket, so within 19 % above the true value. Empty before the first result.
     */
    public synchronized Map<String, Long> latencyPercentiles() {
        load();
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
        load();
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
            for (dev.drover.core.model.OutputFile o : r.outputs()) {
                outputBytes += o.bytes();
            }
            if (!r.worker().isEmpty() && r.status() != TaskStatus.CANCELLED) {
                runMillis += r.durationMillis();
                runs++;
                long[] t = commandTimes.get(r.command());
                if (t == null && commandTimes.size() < COMMANDS_KEPT) {
                    commandTimes.put(r.command(), t = new long[2]);
                }
                if (t != null) {
                    t[0] += r.durationMillis();
                    t[1]++;
                }
                if (Commands.sleepMillis(r.command()) < 0) {
                    shellMillis += r.durationMillis();
                    shellThreadMillis += r.threadMillis();
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
        load();
        return STATUSES[status[(int) seq]];
    }

    /** Tasks not yet final: waiting to be dispatched, on the queue, or running. */
    public synchronized long remaining() {
        return total - finalCount;
    }

    public synchronized void markCancelled() {
        markCancelled(CANCELLED_BY_USER);
    }

    /** Why a job was cancelled: by its user, or on reaching a budget. */
    public static final String CANCELLED_BY_USER = "cancelled";
    public static final String CANCELLED_FOR_BUDGET = "budget";

    /** Marks the job cancelled for this reason; the first reason given stays. */
    public synchronized void markCancelled(String reason) {
        cancelled = true;
        if (cancelReason == null) {
            cancelReason = reason;
        }
    }

    /** Why the job was cancelled, or null if it was not. */
    public synchronized String cancelReason() {
        return cancelReason;
    }

    /** What the job may spend in USD, or null: no budget. */
    public synchronized Double budgetUsd() {
        return budgetUsd;
    }

    public synchronized void budgetUsd(Double usd) {
        budgetUsd = usd;
    }

    /** Seconds its tasks ran on workers (cancelled ones not counted): what its share of the fleet is measured by. */
    public synchronized double taskSeconds() {
        return runMillis / 1000.0;
    }

    /** Adds a share of the fleet's billed worker-seconds, and what they cost. */
    public synchronized void chargeEc2(double workerSeconds, double usd) {
        ec2WorkerSeconds += workerSeconds;
        ec2Usd += usd;
    }

    public synchronized Usage usage() {
        return usage;
    }

    /** Bytes of the output files its tasks uploaded. */
    public synchronized long outputBytes() {
        return outputBytes;
    }

    /** Run time per command line so far: {millis, runs} (a copy). */
    public synchronized Map<String, long[]> commandTimes() {
        Map<String, long[]> copy = new HashMap<>();
        commandTimes.forEach((k, v) -> copy.put(k, v.clone()));
        return copy;
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

    /**
     * Mean time the job's shell tasks held a worker thread so far, or -1 before the first one ends:
     * what bundles are sized by. A task's wait for its outputs' upload is left out: counted in, a
     * queue of uploads made the tasks look long and the bundles small, and their extra requests
     * slowed the uploads further.
     */
    public synchronized double meanShellThreadMillis() {
        return shellRuns == 0 ? -1 : (double) shellThreadMillis / shellRuns;
    }

    /** Total run time and count of the job's shell tasks so far: {millis, runs}. */
    public synchronized long[] shellTime() {
        return new long[] {shellMillis, shellRuns};
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
        return new JobRecord(jobId, name, owner, total, dispatched, sending, state(), submittedAt, finishedAt, files,
                priority, budgetUsd, cancelReason, finishedAt != 0 ? finalCounts() : Map.of());
    }

    /** The record to save before sending bundles of these sizes: the cursor past them. */
    public synchronized JobRecord recordSending(List<Integer> sizes) {
        return new JobRecord(jobId, name, owner, total, dispatched + sizes.stream().mapToLong(Integer::longValue).sum(),
                sizes, state(), submittedAt, finishedAt, files, priority, budgetUsd, cancelReason, Map.of());
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
        load();
        List<Long> seqs = new ArrayList<>();
        for (long seq = 0; seq < dispatched; seq++) {
            if (!STATUSES[status[(int) seq]].isFinal()) {
                seqs.add(seq);
            }
        }
        return seqs;
    }

    public synchronized JobView view(long now) {
        if (countsUnknown) {
            load();
        }
        Map<TaskStatus, Long> byStatus = new EnumMap<>(TaskStatus.class);
        for (TaskStatus s : STATUSES) {
            byStatus.put(s, counts[s.ordinal()]);
        }
        long end = finishedAt != 0 ? finishedAt : now;
        double wall = Math.max(1, end - submittedAt) / 1000.0;
        return new JobView(jobId, name, owner, state(), total, dispatched, byStatus, submittedAt, finishedAt,
                wall, finalCount / wall, usage.sqsRequests(), usage.dynamoWrites(), usage.dynamoReads(),
                usage.s3Requests(), duplicates, workers.size(), runMillis / 1000.0, ec2WorkerSeconds,
                dev.drover.scheduler.billing.Prices.LIST.requestsUsd(usage), ec2Usd, budgetUsd, cancelReason);
    }
}
