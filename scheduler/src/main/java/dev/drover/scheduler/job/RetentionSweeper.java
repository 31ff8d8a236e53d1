package dev.drover.scheduler.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forgets jobs that ended more than the retention ago, once an hour: drops their live state, deletes
 * their record and results from the job store (the table's TTL deletes them too, but on AWS it may
 * lag by days) and removes their spool directory (workload and result log).
 */
public final class RetentionSweeper {
    private static final Logger log = LoggerFactory.getLogger(RetentionSweeper.class);
    public static final Duration INTERVAL = Duration.ofHours(1);

    private final Map<String, JobState> jobs;
    private final Persistence persistence;
    private final Path dataDir;
    private final Retention retention;
    private final Clock clock;

    public RetentionSweeper(Map<String, JobState> jobs, Persistence persistence, Path dataDir, Retention retention, Clock clock) {
        this.jobs = jobs;
        this.persistence = persistence;
        this.dataDir = dataDir;
        this.retention = retention;
        this.clock = clock;
    }

    /** Forgets every expired job now; returns how many. */
    public int sweep() {
        int forgotten = 0;
        for (JobState job : jobs.values()) {
            if (retention.expired(job.finishedAt(), clock.instant()) && jobs.remove(job.jobId(), job)) {
                job.log().close();
                persistence.forget(job);
                deleteTree(dataDir.resolve(job.jobId()));
                forgotten++;
            }
        }
        if (forgotten > 0) {
            log.info("forgot {} jobs that ended more than {} ago", forgotten, retention.keep());
        }
        return forgotten;
    }

    /** Deletes a job's record and results and its spool directory. */
    static void forget(Persistence persistence, Path dataDir, String jobId) {
        persistence.forget(jobId);
        deleteTree(dataDir.resolve(jobId));
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (NoSuchFileException e) {
            // never spooled here (a job recovered on another machine's data directory)
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
