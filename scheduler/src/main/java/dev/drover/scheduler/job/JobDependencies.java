package dev.drover.scheduler.job;

import dev.drover.core.model.Task;
import dev.drover.core.model.TaskInput;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import dev.drover.core.workload.Stage;
import dev.drover.core.workload.TaskSpec;
import dev.drover.core.workload.WorkloadException;
import dev.drover.scheduler.model.JobView;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a job waits on: the stages of its own tasks ({@link Dependencies}, built from its workload
 * the first time they are needed, so a recovered job reads its workload only then) and the other
 * jobs it waits on ({@code submit --after}). What may be sent, what blocks a task and what it waits
 * for are asked here ({@link JobState#dependencies()}). Thread-safe: the stages are read and written
 * under the job's lock (they count its tasks' statuses); the jobs waited on are volatile.
 */
public final class JobDependencies {
    private static final Logger log = LoggerFactory.getLogger(JobDependencies.class);

    /** The job's lock: its tasks' statuses change under it. */
    private final Object lock;
    private final String jobId;
    private final String files;
    private final JobWorkload workload;
    /** A task's status, read under the lock. */
    private final LongFunction<TaskStatus> status;
    /** True while an ended job's results are not replayed yet; and what replays them. */
    private final BooleanSupplier unloaded;
    private final Runnable load;
    /** Null until first needed. */
    private Dependencies stages;
    private volatile List<String> afterJobs = List.of();
    private volatile boolean waitingForJobs;

    JobDependencies(Object lock, String jobId, String files, JobWorkload workload, LongFunction<TaskStatus> status,
                    BooleanSupplier unloaded, Runnable load) {
        this.lock = lock;
        this.jobId = jobId;
        this.files = files;
        this.workload = workload;
        this.status = status;
        this.unloaded = unloaded;
        this.load = load;
    }

    /** Task {@code seq}, as read from the workload, ready to send: with the job's files and its inputs. */
    public Task task(long seq, TaskSpec spec) {
        Task task = spec.toTask(seq, files);
        synchronized (lock) {
            List<TaskInput> inputs = stages().inputs(seq, spec.replica());
            return inputs.isEmpty() ? task : task.withInputs(inputs);
        }
    }

    /** True if some of its tasks wait on others. */
    public boolean any() {
        synchronized (lock) {
            return !stages().isEmpty();
        }
    }

    /** Whether task {@code seq}, replica {@code replica} of its line, may be sent now. */
    public Dependencies.Gate gate(long seq, int replica) {
        synchronized (lock) {
            return stages().gate(seq, replica, status);
        }
    }

    /** The task whose end without success blocks task {@code seq}, or -1. */
    public long blocker(long seq, int replica) {
        synchronized (lock) {
            return stages().blockerOf(seq, replica, status);
        }
    }

    /** True if some of these results end tasks that others wait on: a waiting task may now go, or be cancelled. */
    public boolean releases(List<TaskResult> results) {
        synchronized (lock) {
            Dependencies d = stages();
            return !d.isEmpty() && results.stream().anyMatch(r -> d.awaited(r.seq()));
        }
    }

    /** What task {@code seq} still waits for, one sentence each (empty: nothing). */
    public List<String> waitingFor(long seq) {
        synchronized (lock) {
            load.run();
            return stages().waitingFor(jobId, seq, status);
        }
    }

    /** The stage holding task {@code seq}, or null (it is named by no line and waits on none). */
    public Stage stageOf(long seq) {
        synchronized (lock) {
            Dependencies d = stages();
            int s = d.stageOf(seq);
            return s < 0 ? null : d.stage(s);
        }
    }

    /**
     * What its tasks wait on (under the job's lock). An ended job whose results are not replayed yet
     * and whose workload is gone sends nothing more, so nothing is counted.
     */
    Dependencies stages() {
        if (stages == null) {
            if (unloaded.getAsBoolean() && !Files.exists(workload.file())) {
                return Dependencies.NONE;
            }
            try {
                List<Stage> all = workload.stages();
                stages = all.isEmpty() ? Dependencies.NONE : new Dependencies(all);
            } catch (WorkloadException e) {
                // results are taken whatever happens; without its workload the job cannot send a task anyway
                log.warn("job {}: cannot read its workload's stages ({}); no dependencies are counted", jobId, e.getMessage());
                stages = Dependencies.NONE;
            }
        }
        return stages;
    }

    /** Each stage's counts (none until the job's stages are known: a recovered job's, once its workload is read). */
    List<JobView.StageCount> stageCounts() {
        if (stages == null || stages.isEmpty()) {
            return List.of();
        }
        List<Dependencies.StageProgress> all = stages.progress();
        return all.stream().map(p -> new JobView.StageCount(p.stage().name(), p.stage().firstLine(), p.stage().size(),
                p.succeeded(), p.ended(), waitsOn(p.stage(), all))).toList();
    }

    private static List<String> waitsOn(Stage stage, List<Dependencies.StageProgress> all) {
        List<String> names = new ArrayList<>();
        stage.after().forEach(u -> names.add(all.get(u).stage().name()));
        if (stage.afterReplica() >= 0) {
            names.add(all.get(stage.afterReplica()).stage().name() + " (replica-wise)");
        }
        return names;
    }

    /** Makes the job wait, before sending any task, until these jobs have succeeded ({@code depend/JobWaits} decides). */
    public void waitForJobs(List<String> jobIds) {
        afterJobs = List.copyOf(jobIds);
        waitingForJobs = !jobIds.isEmpty();
    }

    /** The jobs it waits on, or waited on. */
    public List<String> afterJobs() {
        return afterJobs;
    }

    /** True while it waits for other jobs: it sends nothing. */
    public boolean waitingForJobs() {
        return waitingForJobs;
    }

    /**
     * Every job it waits on succeeded: it may send. True for the one caller that ended the wait, so a job
     * settled at once by an upstream's end and by the replica's follow of other replicas' jobs is queued once.
     */
    public boolean jobsMet() {
        synchronized (lock) {
            boolean was = waitingForJobs;
            waitingForJobs = false;
            return was;
        }
    }
}
