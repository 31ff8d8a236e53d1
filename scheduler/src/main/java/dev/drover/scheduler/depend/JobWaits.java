package dev.drover.scheduler.depend;

import dev.drover.core.model.JobStatus;
import dev.drover.core.model.TaskStatus;
import dev.drover.core.port.JobRecord;
import dev.drover.core.port.PayloadStore;
import dev.drover.scheduler.job.JobState;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Jobs submitted with {@code --after JOB[,JOB…]}: such a job sends no task until every job it waits
 * on has ended with all its tasks SUCCEEDED. If one of them ends otherwise (a task failed, timed out
 * or was cancelled, or the job was cancelled), the waiting job is cancelled, its tasks CANCELLED with
 * the reason {@code dependency: job J …}. A user may wait only on their own jobs. What a job waits on is saved beside its workload in the
 * payload store ({@code workloads/JOB.after}), so a restarted scheduler waits on the same jobs; whether
 * they succeeded it reads from their recovered results.
 *
 * <p>A replica may wait on a job another replica owns (submitted there, placed there, or taken there after a
 * death): such an upstream is read from the shared job store ({@link Elsewhere}), at the submit, at a settle,
 * and every {@link #FOLLOW_EVERY} while a job here waits on it (one read per such upstream per round), and
 * judged from its record as a local one is from its state. A job in this replica's table costs no read.
 */
public final class JobWaits {
    /** The reason a waiting job is cancelled with, before the upstream job's id. */
    public static final String DEPENDENCY = "dependency";
    /** How often the upstream jobs other replicas own are read while a job here waits on one. */
    public static final Duration FOLLOW_EVERY = Duration.ofSeconds(1);

    /**
     * Jobs of other replicas, from the shared job store.
     *
     * @param stored   a job's record (one read), or empty if there is no such job
     * @param readBack an ended job's record read back into this replica's table, as a request for it is answered
     */
    public record Elsewhere(Function<String, Optional<JobRecord>> stored, Function<JobRecord, JobState> readBack) {
        /** A single scheduler: every job it may wait on is in its table, or gone. */
        public static final Elsewhere NONE = new Elsewhere(id -> Optional.empty(), r -> null);
    }

    private final Map<String, JobState> jobs;
    private final PayloadStore payloads;
    private final Consumer<JobState> release;
    private final BiConsumer<JobState, String> cancel;
    private volatile Elsewhere elsewhere = Elsewhere.NONE;

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

    /** A replica: the jobs it waits on may be other replicas', read from the shared job store. */
    public void readElsewhere(Elsewhere elsewhere) {
        this.elsewhere = elsewhere;
    }

    public static String key(String jobId) {
        return PayloadStore.WORKLOADS_PREFIX + jobId + ".after";
    }

    /** The reason {@code owner} cannot wait on {@code after} (a job that does not exist, or not theirs), or null. */
    public String refusal(List<String> after, String owner) {
        for (String id : after) {
            JobState up = jobs.get(id);
            String upOwner = up != null ? up.owner() : elsewhere.stored().apply(id).map(JobRecord::owner).orElse(null);
            if (!owner.equals(upOwner)) { // another user's job is as good as unknown
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
        settle(job, new HashMap<>());
    }

    /**
     * One round of following the upstream jobs other replicas own: each live job here that waits on one is
     * settled, every such upstream read once a round however many jobs wait on it.
     */
    public void followElsewhere(Collection<JobState> live) {
        Map<String, Optional<JobRecord>> read = new HashMap<>();
        for (JobState j : live) {
            if (j.dependencies().waitingForJobs() && !jobs.keySet().containsAll(j.dependencies().afterJobs())) {
                settle(j, read);
            }
        }
    }

    /** The same, reading each upstream not in this replica's table at most once into {@code read}. */
    private void settle(JobState job, Map<String, Optional<JobRecord>> read) {
        if (!job.dependencies().waitingForJobs() || job.done() || job.cancelled()) {
            return;
        }
        boolean ended = true;
        for (String id : job.dependencies().afterJobs()) {
            JobState up = upstream(id, read);
            Optional<JobRecord> record = up == null ? read.get(id) : null;
            String failure = up != null ? failure(up) : record.isEmpty() ? "job " + id + " is gone" : failure(record.get());
            if (failure != null) {
                cancel.accept(job, DEPENDENCY + ": " + failure);
                return;
            }
            ended &= up != null && up.done();
        }
        if (ended && job.dependencies().jobsMet()) {
            release.accept(job);
        }
    }

    /**
     * The upstream job from this replica's table; else null, with its record read from the job store into
     * {@code read} (once), and an ended one read back into the table so the judging is a local job's.
     */
    private JobState upstream(String id, Map<String, Optional<JobRecord>> read) {
        JobState up = jobs.get(id);
        if (up != null) {
            return up;
        }
        Optional<JobRecord> record = read.computeIfAbsent(id, elsewhere.stored());
        return record.filter(JobRecord::ended).map(elsewhere.readBack()).orElse(null);
    }

    /** Why another replica's running upstream job will not succeed (it was cancelled), or null. */
    private static String failure(JobRecord up) {
        return up.state() == JobStatus.CANCELLED ? "job " + up.jobId() + " was cancelled" : null;
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
