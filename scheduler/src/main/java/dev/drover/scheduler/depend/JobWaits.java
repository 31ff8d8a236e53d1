package dev.drover.scheduler.depend;

import dev.drover.core.model.TaskStatus;
import dev.drover.core.port.PayloadStore;
import dev.drover.scheduler.job.JobState;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Jobs submitted with {@code --after JOB[,JOB…]}: such a job sends no task until every job it waits
 * on has ended with all its tasks SUCCEEDED. If one of them ends otherwise (a task failed, timed out
 * or was cancelled, or the job was cancelled), the waiting job is cancelled, its tasks CANCELLED with
 * the reason {@code dependency: job J …}. A user may wait only on their own jobs. What a job waits on is saved beside its workload in the
 * payload store ({@code workloads/JOB.after}), so a restarted scheduler waits on the same jobs; whether
 * they succeeded it reads from their recovered results.
 */
public final class JobWaits {
    /** The reason a waiting job is cancelled with, before the upstream job's id. */
    public static final String DEPENDENCY = "dependency";

    private final Map<String, JobState> jobs;
    private final PayloadStore payloads;
    private final Consumer<JobState> release;
    private final BiConsumer<JobState, String> cancel;

    /**
     * @param release enqueues a job whose upstream jobs all succeeded
     * @param cancel  cancels a job, for this reason, whose upstream job did not succeed
     */
    public JobWaits(Map<String, JobState> jobs, PayloadStore payloads, Consumer<JobState> release, BiConsumer<JobState, String> cancel) {
        this.jobs = jobs;
        this.payloads = payloads;
        this.release = release;
        this.cancel = cancel;
    }

    public static String key(String jobId) {
        return PayloadStore.WORKLOADS_PREFIX + jobId + ".after";
    }

    /** The reason {@code owner} cannot wait on {@code after} (a job that does not exist, or not theirs), or null. */
    public String refusal(List<String> after, String owner) {
        for (String id : after) {
            JobState up = jobs.get(id);
            if (up == null || !up.owner().equals(owner)) { // another user's job is as good as unknown
                return "--after " + id + ": no such job";
            }
        }
        return null;
    }

    /** Makes a new job wait on these jobs, saved before it is queued. */
    public void waitOn(JobState job, List<String> after, boolean durable) {
        if (after.isEmpty()) {
            return;
        }
        if (durable) {
            payloads.put(key(job.jobId()), String.join(",", after).getBytes(StandardCharsets.UTF_8));
        }
        job.dependencies().waitForJobs(after);
    }

    /** What a recovered job waits on, read back from the payload store (none if nothing was saved). */
    public void recover(JobState job) {
        if (!payloads.exists(key(job.jobId()))) {
            return;
        }
        String saved = new String(payloads.get(key(job.jobId())), StandardCharsets.UTF_8).strip();
        job.dependencies().waitForJobs(saved.isEmpty() ? List.of() : Arrays.asList(saved.split(",")));
    }

    /** A job ended (or was cancelled): the jobs waiting on it go, or are cancelled. */
    public void ended(JobState upstream, Collection<JobState> live) {
        List<JobState> waiting = new ArrayList<>();
        for (JobState j : live) {
            if (j.dependencies().waitingForJobs() && j.dependencies().afterJobs().contains(upstream.jobId())) {
                waiting.add(j);
            }
        }
        waiting.forEach(this::settle);
    }

    /** Releases or cancels the job if every job it waits on has ended; else leaves it waiting. */
    public void settle(JobState job) {
        if (!job.dependencies().waitingForJobs() || job.done() || job.cancelled()) {
            return;
        }
        for (String id : job.dependencies().afterJobs()) {
            JobState up = jobs.get(id);
            String failure = up == null ? "job " + id + " is gone" : failure(up);
            if (failure != null) {
                cancel.accept(job, DEPENDENCY + ": " + failure);
                return;
            }
        }
        for (String id : job.dependencies().afterJobs()) {
            if (!jobs.get(id).done()) {
                return;
            }
        }
        job.dependencies().jobsMet();
        release.accept(job);
    }

    /** Why the upstream job did not succeed, or null (it succeeded, or has not ended yet). */
    private static String failure(JobState up) {
        if (up.cancelled()) {
            return "job " + up.jobId() + " was cancelled";
        }
        if (!up.done()) {
            return null;
        }
        long notOk = up.total() - up.view(0).counts().getOrDefault(TaskStatus.SUCCEEDED, 0L);
        return notOk == 0 ? null : "job " + up.jobId() + " ended with " + notOk + " task" + (notOk == 1 ? "" : "s") + " not succeeded";
    }
}
