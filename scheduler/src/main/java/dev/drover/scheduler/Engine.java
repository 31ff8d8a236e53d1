package dev.drover.scheduler;

import dev.drover.core.files.FilesException;
import dev.drover.core.workload.WorkloadException;
import dev.drover.scheduler.dispatch.FairStandings;
import dev.drover.scheduler.job.JobState;
import dev.drover.scheduler.metrics.SchedulerMetrics;
import dev.drover.scheduler.model.AcrossReplicas;
import dev.drover.scheduler.model.JobView;
import dev.drover.scheduler.model.Policy;
import dev.drover.scheduler.model.Quotas;
import dev.drover.scheduler.model.Submitted;
import dev.drover.scheduler.model.TaskView;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;

/**
 * Everything the HTTP server (the {@code api} package, and the dashboard, why, rerun and billing it serves)
 * asks of the engine: the one interface the server calls. {@link Scheduler} is the engine in this process.
 * The jobs and files routes take and give the records the API sends ({@link JobView}, {@link TaskView});
 * the dashboard, why and billing also read a job's live state ({@link JobState}) and the engine's figures,
 * always of jobs held in this process. A job another replica owns is never asked of this engine: the
 * server forwards its requests to the owner's HTTP API (see {@code api/Forwarder} and docs/architecture.md),
 * where the owner's engine answers them.
 */
public interface Engine {
    /** Spools, checks and queues a workload for {@code owner}; see {@link Scheduler#submit(InputStream, String, String, String, int, Double)}. */
    JobView submit(InputStream workload, String name, String owner, String files, int priority, Double budgetUsd)
            throws WorkloadException, IOException, Quotas.Exceeded;

    /** The same, for a job that sends no task until the jobs {@code after} have succeeded ({@code submit --after}). */
    JobView submit(InputStream workload, String name, String owner, String files, int priority, Double budgetUsd,
                   List<String> after) throws WorkloadException, IOException, Quotas.Exceeded;

    /**
     * The same, once per {@code idempotencyKey} of the owner (null: no key): a submit with a key the owner
     * has used already queues nothing and answers the job that key made, on whichever replica.
     */
    Submitted submit(InputStream workload, String name, String owner, String files, int priority,
                                                 Double budgetUsd, List<String> after, String idempotencyKey)
            throws WorkloadException, IOException, Quotas.Exceeded;

    Optional<JobView> status(String jobId);

    List<JobView> list();

    Optional<TaskView> task(String jobId, long seq) throws IOException;

    Optional<JobView> cancel(String jobId) throws WorkloadException;

    /** Writes the job's results as JSON lines; with {@code follow}, until the job is done. */
    boolean streamResults(String jobId, OutputStream out, boolean follow) throws IOException;

    /** A file a task left in its output directory. */
    Optional<InputStream> openOutput(String jobId, long seq, String path);

    boolean hasFiles(String sha256);

    /** Stores a files pack unless it is there; true if it was stored now. */
    boolean putFiles(String sha256, InputStream pack, long limit) throws IOException, FilesException;

    /** The same with no priority, budget or waits: a rerun's new job. */
    JobView submit(InputStream workload, String name, String owner, String files)
            throws WorkloadException, IOException, Quotas.Exceeded;

    /** Cancels a job for a reason (a user's, or {@link JobState#CANCELLED_FOR_BUDGET}). */
    Optional<JobView> cancel(String jobId, String reason) throws WorkloadException;

    /** A job's live state in this process (the dashboard's detail, why, rerun, billing); empty if not held here. */
    Optional<JobState> job(String jobId);

    /** Every job held in this process, for billing and why. */
    List<JobState> jobStates();

    /** The engine's figures, for {@code GET /metrics}, the dashboard and why. */
    SchedulerMetrics metrics();

    /** What one user may hold at once. */
    Quotas quotas();

    /** Task threads the fleet has (or will have), for forecasts. */
    int fleetThreads();

    /** The dispatch policy, for why. */
    Policy policy();

    /** How users stand under fair share now, for why. */
    List<FairStandings.Standing> standings();

    /** What the other replicas hold, as of their last beats (monthly spend, the fleet's cost share); none for a scheduler alone. */
    AcrossReplicas acrossReplicas();
}
