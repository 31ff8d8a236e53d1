package dev.drover.scheduler.job;

import dev.drover.core.model.JobStatus;
import dev.drover.core.model.TaskResult;
import dev.drover.core.port.JobRecord;
import dev.drover.core.port.JobStore;
import dev.drover.core.port.PayloadStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Rebuilds the jobs of an earlier scheduler run from the job store: workload, cursor, state and every result. */
public final class Recovery {
    private static final Logger log = LoggerFactory.getLogger(Recovery.class);
    private static final int REPLAY_CHUNK = 1000;

    /** A recovered job and the record it came from (whose {@code sending} bundles may need a re-send). */
    public record Recovered(JobState job, JobRecord record) {}

    private final JobStore store;
    private final PayloadStore payloads;
    private final Path dataDir;
    private final Clock clock;

    public Recovery(JobStore store, PayloadStore payloads, Path dataDir, Clock clock) {
        this.store = store;
        this.payloads = payloads;
        this.dataDir = dataDir;
        this.clock = clock;
    }

    public List<Recovered> jobs() throws IOException {
        List<Recovered> out = new ArrayList<>();
        for (JobRecord record : store.list()) {
            Path dir = Files.createDirectories(dataDir.resolve(record.jobId()));
            Path spool = dir.resolve("workload.txt");
            try (InputStream in = payloads.open(Persistence.workloadKey(record.jobId()))) {
                Files.copy(in, spool, StandardCopyOption.REPLACE_EXISTING);
            }
            JobState job = new JobState(record.jobId(), record.name(), record.owner(), record.total(),
                    record.submittedAt(), spool, dir.resolve("results.jsonl"), record.files(), record.priority());
            job.dispatched(record.dispatched());
            if (record.state() == JobStatus.CANCELLED) {
                job.markCancelled();
            }
            long finishedAt = record.finishedAt() > 0 ? record.finishedAt() : clock.millis();
            List<TaskResult> replay = new ArrayList<>();
            store.forEachResult(record.jobId(), r -> {
                replay.add(r);
                if (replay.size() == REPLAY_CHUNK) {
                    job.accept(replay, finishedAt);
                    replay.clear();
                }
            });
            job.accept(replay, finishedAt);
            log.info("recovered job {}: {} of {} tasks have results", record.jobId(), job.total - job.remaining(), job.total);
            out.add(new Recovered(job, record));
        }
        return out;
    }
}
