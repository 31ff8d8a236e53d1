package dev.drover.scheduler;

import dev.drover.core.files.FilesException;
import dev.drover.core.workload.WorkloadException;
import dev.drover.scheduler.model.JobView;
import dev.drover.scheduler.model.Quotas;
import dev.drover.scheduler.model.TaskView;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;

/**
 * What the HTTP server asks of the engine for jobs and files: the one interface a second replica,
 * or a proxy that forwards to the replica owning a job, would implement. {@link Scheduler} is the
 * engine in this process. Values in and out are the records the API sends ({@link JobView},
 * {@link TaskView}), never the engine's own state.
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
    dev.drover.scheduler.model.Submitted submit(InputStream workload, String name, String owner, String files, int priority,
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
}
