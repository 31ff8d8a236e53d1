package dev.drover.scheduler.job;

import dev.drover.core.Usage;
import dev.drover.core.codec.Json;
import dev.drover.core.model.JobStatus;
import dev.drover.core.model.OutputFile;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStart;
import dev.drover.core.model.TaskStatus;
import dev.drover.core.port.JobRecord;
import dev.drover.scheduler.model.JobView;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The scheduler's live view of one job, made of parts with one job each: where each task stands
 * ({@link TaskProgress}), how long tasks take ({@link TaskTimes}), what the job cost
 * ({@link JobCost}), how far it is dispatched ({@link DispatchCursor}), where it is in its life
 * ({@link JobLife}), what it waits on ({@link JobDependencies}) and, for an ended job read back from
 * its record, its results replayed when first needed ({@link ResultReplay}); with its result log and
 * its workload ({@link JobWorkload}). Results are idempotent by task id: the first final result of
 * a task wins. Thread-safe: every part is read and written under this object's lock.
 */
public final class JobState {
    /** Priorities run from minus this to this. */
    public static final int MAX_PRIORITY = 1000;
    /** Why a job was cancelled: by its user, or on reaching a budget. */
    public static final String CANCELLED_BY_USER = "cancelled";
    public static final String CANCELLED_FOR_BUDGET = "budget";

    /**
     * What a job is: its id, name, owner and size, when it was submitted, the SHA-256 of its files
     * pack (null: none; every task carries it) and its place among its owner's jobs under fair
     * share (higher is dispatched first; default 0).
     */
    private record Identity(String jobId, String name, String owner, long total, long submittedAt, String files,
                            int priority) {}

    private final Identity id;
    private final JobWorkload tasks;
    private final ResultLog log;
    private final TaskProgress progress;
    private final TaskTimes times = new TaskTimes();
    private final JobCost cost = new JobCost();
    private final DispatchCursor cursor = new DispatchCursor();
    private final JobDependencies waits;
    private final JobLife life;
    private final ResultReplay replay = new ResultReplay();
    private final HeldWork held;
    /** Orders this job's record saves against its end and its deletion (see {@link Persistence}). */
    private final RecordSaves saves = new RecordSaves();

    public JobState(String jobId, String name, String owner, long total, long submittedAt, Path workload, Path resultFile) {
        this(jobId, name, owner, total, submittedAt, new JobWorkload(workload), resultFile, null, 0, false);
    }

    /** A job whose workload was just read whole (its index built). */
    public JobState(String jobId, String name, String owner, long total, long submittedAt, JobWorkload workload,
                    Path resultFile, String files, int priority) {
        this(jobId, name, owner, total, submittedAt, workload, resultFile, files, priority, false);
    }

    private JobState(String jobId, String name, String owner, long total, long submittedAt, JobWorkload workload,
                     Path resultFile, String files, int priority, boolean lazy) {
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a job holds at most " + (Integer.MAX_VALUE - 8) + " tasks");
        }
        this.id = new Identity(jobId, name, owner, total, submittedAt, files, priority);
        this.tasks = workload;
        this.log = lazy ? new ResultLog(resultFile, this::load) : new ResultLog(resultFile);
        this.progress = new TaskProgress((int) total);
        this.waits = new JobDependencies(this, jobId, files, workload, progress::status, replay::pending, this::load);
        this.life = new JobLife(submittedAt);
        this.held = new HeldWork(this, cursor);
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
            job.cursor.dispatched(r.dispatched());
            boolean cancelled = r.state() == JobStatus.CANCELLED;
            job.life.ended(r.finishedAt(), cancelled ? (r.cancelReason() != null ? r.cancelReason() : CANCELLED_BY_USER) : null);
            job.cost.budgetUsd(r.budgetUsd());
            job.replay.arm(loader, !job.progress.summarize(r.counts()));
        }
        return job;
    }

    public String jobId() {
        return id.jobId();
    }

    public String name() {
        return id.name();
    }

    public String owner() {
        return id.owner();
    }

    /** How many tasks the job holds. */
    public long total() {
        return id.total();
    }

    public long submittedAt() {
        return id.submittedAt();
    }

    /** The SHA-256 of the job's files pack, or null: every task of the job carries it. */
    public String files() {
        return id.files();
    }

    /** The job's place among its owner's jobs under fair share: higher is dispatched first (default 0). */
    public int priority() {
        return id.priority();
    }

    /** The saved workload file. */
    public Path workload() {
        return tasks.file();
    }

    /** The job's tasks, by number, from its saved workload file. */
    public JobWorkload tasks() {
        return tasks;
    }

    /** How long its tasks take. */
    public TaskTimes times() {
        return times;
    }

    /** What it has cost so far, and its budget. */
    public JobCost cost() {
        return cost;
    }

    /** The job's results, one JSON line each, in the order they came. */
    public ResultLog log() {
        return log;
    }

    /** Replays an ended job's results if they are not loaded yet; a failure leaves it to be loaded again. */
    private synchronized void load() {
        replay.run(this, progress, log, life);
    }

    /** When every task had a final status (epoch ms), or 0. */
    public synchronized long finishedAt() {
        return life.finishedAt();
    }

    /** True the first time it is asked once the job has ended: its store items are then marked to expire. */
    synchronized boolean markExpiring() {
        return life.markExpiring();
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
        return progress.started(worker, starts);
    }

    /** The lowest seq that is QUEUED (not started, not final), or -1. */
    public synchronized long firstQueued() {
        load();
        return progress.firstQueued();
    }

    /** QUEUED tasks below this seq. */
    public synchronized long queuedBefore(long seq) {
        load();
        return progress.queuedBefore(seq);
    }

    /** The task's run if it is RUNNING now, else empty. */
    public synchronized Optional<Running> running(long seq) {
        return progress.running(seq);
    }

    /** Up to {@code limit} of the tasks running now, longest-running first. */
    public synchronized List<Running> runningTasks(int limit) {
        return progress.runningTasks(limit);
    }

    /** Tasks that failed for one cause: its exit code (null: none, e.g. a timeout) and first line of stderr. */
    public record FailureGroup(TaskStatus status, Integer exitCode, String firstLine, long count, List<Long> sampleSeqs) {}

    /** Failures grouped by cause, the largest group first. */
    public synchronized List<FailureGroup> failureGroups() {
        load();
        return progress.failureGroups();
    }

    /**
     * Latency percentiles (queued to done) of the tasks that ran, in ms: each the upper edge of its
     * bucket, so within 19 % above the true value. Empty before the first result.
     */
    public synchronized Map<String, Long> latencyPercentiles() {
        load();
        return progress.latencyPercentiles();
    }

    /** Records the results not seen before and returns them; repeats of a task are skipped and counted. */
    public synchronized List<TaskResult> accept(List<TaskResult> results, long now) {
        return accept(results, null, now);
    }

    /** The same, given each result as JSON ({@code jsonLines.get(i)} is {@code results.get(i)}; null: encode here). */
    public synchronized List<TaskResult> accept(List<TaskResult> results, List<String> jsonLines, long now) {
        load();
        List<TaskResult> fresh = new ArrayList<>(results.size());
        List<String> lines = new ArrayList<>(results.size());
        for (int i = 0; i < results.size(); i++) {
            TaskResult r = results.get(i);
            if (!progress.accept(r)) {
                cost.addDuplicates(1);
                continue;
            }
            for (OutputFile o : r.outputs()) {
                cost.addOutputBytes(o.bytes());
            }
            if (!r.worker().isEmpty() && r.status() != TaskStatus.CANCELLED) {
                times.ran(r);
            }
            fresh.add(r);
            lines.add(jsonLines != null ? jsonLines.get(i) : Json.write(r));
            waits.stages().recorded(r);
        }
        log.append(lines);
        if (!fresh.isEmpty()) {
            life.resultAt(now);
        }
        if (progress.finalCount() == total() && !life.done()) {
            life.finishedAt(now);
            notifyAll();
        }
        return fresh;
    }

    /** What its tasks wait on: which may be sent, what blocks them, what they wait for. */
    public JobDependencies dependencies() {
        return waits;
    }

    public synchronized TaskStatus status(long seq) {
        load();
        return progress.status(seq);
    }

    /**
     * Tasks not yet final that could run now: none while the job waits for other jobs, and none of
     * those that wait on tasks not yet succeeded. What the fleet is sized for.
     */
    public synchronized long runnable() {
        if (waits.waitingForJobs() || life.cancelled()) {
            return 0;
        }
        return Math.max(0, remaining() - waits.stages().notReady(progress::status));
    }

    /** Tasks not yet final: waiting to be dispatched, on the queue, or running. */
    public synchronized long remaining() {
        return total() - progress.finalCount();
    }

    /** Marks the job cancelled for this reason; the first reason given stays. */
    public synchronized void markCancelled(String reason) {
        life.cancel(reason);
    }

    /** Why the job was cancelled, or null if it was not. */
    public synchronized String cancelReason() {
        return life.cancelReason();
    }

    public synchronized boolean cancelled() {
        return life.cancelled();
    }

    public synchronized boolean done() {
        return life.done();
    }

    /** Waits until every task has a final status. */
    public synchronized void awaitDone() throws InterruptedException {
        while (!life.done()) {
            wait();
        }
    }

    /** Tasks on the queue or running: dispatched and not yet final. */
    public synchronized long outstanding() {
        return life.done() || life.cancelled() ? 0 : Math.max(0, cursor.dispatched() - cursor.heldTasks() - progress.finalCount());
    }

    public long dispatched() {
        return cursor.dispatched();
    }

    public void dispatched(long n) {
        cursor.dispatched(n);
    }

    public synchronized JobStatus state() {
        return life.state(cursor.dispatched());
    }

    public synchronized JobRecord record() {
        return record(cursor.dispatched(), cursor.sending(), life.done() ? progress.finalCounts() : Map.of(), cursor.saved());
    }

    /** The record to save before sending bundles of these sizes: the cursor past them. */
    public synchronized JobRecord recordSending(List<Integer> sizes) {
        return record(cursor.after(sizes), sizes, Map.of(), cursor.saved(-1));
    }

    /** The record to save before sending bundles of these sizes from the held range starting at {@code from}. */
    synchronized JobRecord recordSendingHeld(long from, List<Integer> sizes) {
        return record(cursor.dispatched(), sizes, Map.of(), cursor.savedSendingHeld(from, sizes));
    }

    private JobRecord record(long dispatched, List<Integer> sending, Map<TaskStatus, Long> counts, List<Long> held) {
        return new JobRecord(jobId(), name(), owner(), total(), dispatched, sending, state(), submittedAt(), life.finishedAt(),
                files(), priority(), cost.budgetUsd(), life.cancelReason(), counts, held);
    }

    RecordSaves saves() {
        return saves;
    }

    /** The tasks below the cursor a waiting stage holds back, to be sent once it may go. */
    public HeldWork held() {
        return held;
    }

    /** Tasks not yet sent: above the cursor, or held below it. */
    public synchronized long unsent() {
        return total() - cursor.dispatched() + cursor.heldTasks();
    }

    /** True if task {@code seq} has been sent (or decided without being sent). */
    public synchronized boolean sent(long seq) {
        return seq < cursor.dispatched() && !cursor.isHeld(seq);
    }

    /** Moves the cursor past {@code n} tasks that are not sent (a failed dependency cancelled them). */
    public synchronized void skip(long n) {
        cursor.skip(n);
    }

    /** Moves the cursor past bundles of these sizes, about to be sent (once their record is saved). */
    public synchronized void sending(List<Integer> sizes) {
        cursor.sending(sizes);
    }

    /** When the job last received a result (or was submitted): how long its work has been silent. */
    public synchronized long lastResultAt() {
        return life.lastResultAt();
    }

    /** The seqs below the dispatch cursor that have no final result yet. */
    public synchronized List<Long> unreported() {
        load();
        List<Long> out = progress.unreported(cursor.dispatched());
        return cursor.heldTasks() == 0 ? out : out.stream().filter(seq -> !cursor.isHeld(seq)).toList();
    }

    public synchronized JobView view(long now) {
        if (replay.countsUnknown()) {
            load();
        }
        long end = life.done() ? life.finishedAt() : now;
        double wall = Math.max(1, end - submittedAt()) / 1000.0;
        Usage usage = cost.usage();
        return new JobView(jobId(), name(), owner(), state(), total(), cursor.dispatched() - cursor.heldTasks(), progress.counts(), submittedAt(),
                life.finishedAt(), wall, progress.finalCount() / wall, usage.sqsRequests(), usage.dynamoWrites(), usage.dynamoReads(),
                usage.s3Requests(), cost.duplicates(), progress.workers(), times.taskSeconds(), cost.ec2WorkerSeconds(),
                cost.requestsUsd(), cost.ec2Usd(), cost.budgetUsd(), life.cancelReason(), waits.afterJobs(), waits.stageCounts());
    }
}
