package dev.drover.scheduler.intake;

import dev.drover.core.workload.WorkloadException;
import dev.drover.scheduler.job.JobState;
import dev.drover.scheduler.job.JobWorkload;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.stream.Stream;
import dev.drover.scheduler.job.JobData;

/**
 * Where a job enters: its workload is spooled to the data directory and checked whole, so a
 * workload with a bad line is refused, with {@code file:line: reason}, before any task is queued.
 */
public final class Intake {
    private final Path dataDir;
    private final Clock clock;

    public Intake(Path dataDir, Clock clock) {
        this.dataDir = dataDir;
        this.clock = clock;
    }

    /** Spools and validates the workload; returns the new job, not yet queued. */
    public JobState accept(InputStream workload, String name, String owner) throws WorkloadException, IOException {
        return accept(workload, name, owner, null);
    }

    /** The same, for a job whose tasks start in a copy of the files pack named by {@code files} (null: none). */
    public JobState accept(InputStream workload, String name, String owner, String files) throws WorkloadException, IOException {
        return accept(workload, name, owner, files, 0);
    }

    /** The same, with the job's priority among its owner's jobs (higher first). */
    public JobState accept(InputStream workload, String name, String owner, String files, int priority)
            throws WorkloadException, IOException {
        String jobId = newJobId();
        Path dir = JobData.directory(dataDir.resolve(jobId));
        Path spool = dir.resolve("workload.txt");
        try {
            Files.createFile(spool, JobData.privateFile());
            JobData.write(workload, spool);
        } catch (IOException | RuntimeException e) {
            deleteTree(dir); // over the size limit, or the client went away: nothing of it stays on disk
            throw e;
        }
        JobWorkload tasks;
        try {
            tasks = JobWorkload.validate(spool, name);
        } catch (WorkloadException e) {
            deleteTree(dir);
            throw e;
        }
        return new JobState(jobId, name, owner, tasks.total(), clock.millis(), tasks, dir.resolve("results.jsonl"), files,
                priority);
    }

    private String newJobId() {
        return JobIds.next(clock.millis());
    }

    /** Removes a job that was accepted but will not be queued (a quota refused it). */
    public void discard(JobState job) {
        deleteTree(job.workload().getParent());
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
