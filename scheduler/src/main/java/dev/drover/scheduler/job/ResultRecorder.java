package dev.drover.scheduler.job;

import dev.drover.core.Usage;
import dev.drover.core.UsageMeter;
import dev.drover.core.codec.Json;
import dev.drover.core.model.ResultBatch;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStart;
import dev.drover.core.port.FencedOutException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records results into their jobs: a workers' result batch (starts, then results, then the usage
 * it reports), or results the scheduler decides itself (cancelled, refused by the queue). Each is
 * saved (the result chunk, metered to its job) before the job's state takes it, and a job whose
 * last task is final has its cursor saved as ended.
 */
public final class ResultRecorder {
    private static final Logger log = LoggerFactory.getLogger(ResultRecorder.class);

    /** Told of each job's results that were new, once they are recorded. */
    @FunctionalInterface
    public interface Listener {
        void recorded(JobState job, List<TaskResult> fresh, long now);
    }

    private final Map<String, JobState> jobs;
    private final Persistence persistence;
    private final UsageMeter meter;
    private final Clock clock;
    /** The workers that have reported (the fleet's demand reads them). */
    private final Set<String> reportingWorkers = ConcurrentHashMap.newKeySet();
    private final Listener listener;

    /** @param jobs the scheduler's jobs, by id */
    public ResultRecorder(Map<String, JobState> jobs, Persistence persistence, UsageMeter meter, Clock clock,
                          Listener listener) {
        this.jobs = jobs;
        this.persistence = persistence;
        this.meter = meter;
        this.clock = clock;
        this.listener = listener;
    }

    /** The workers that have sent a start or a result, so far (a live view). */
    public Set<String> reportingWorkers() {
        return Collections.unmodifiableSet(reportingWorkers);
    }

    /** Records a batch of results; empty if it belongs to no job of this scheduler (another may own it). */
    public Optional<Consumer<Usage>> collect(String messageId, ResultBatch batch) {
        boolean reports = !batch.results().isEmpty() || !batch.started().isEmpty();
        if (reports && batch.results().stream().noneMatch(r -> jobs.containsKey(r.jobId()))
                && batch.started().stream().noneMatch(s -> jobs.containsKey(s.jobId()))) {
            return Optional.empty();
        }
        if (reports) {
            reportingWorkers.add(batch.worker());
        }
        // starts first: a result in the same batch then ends the task, and a start never undoes a result
        Map<String, List<TaskStart>> startsByJob = new HashMap<>();
        batch.started().forEach(s -> startsByJob.computeIfAbsent(s.jobId(), j -> new ArrayList<>()).add(s));
        startsByJob.forEach((jobId, starts) -> {
            JobState job = jobs.get(jobId);
            if (job != null) {
                job.started(batch.worker(), starts);
            }
        });
        JobState usageJob = jobs.get(batch.usageJob());
        if (usageJob != null) {
            usageJob.cost().charge(batch.usage());
            usageJob.cost().addDuplicates(batch.duplicatesSkipped());
        }
        Map<String, JobResults> byJob = new LinkedHashMap<>();
        List<TaskResult> all = batch.results();
        for (int i = 0; i < all.size(); i++) {
            TaskResult r = all.get(i);
            // the text as received where the collector's reader kept it: exactly Json.write(r), not encoded again
            String line = batch.resultJson().isEmpty() ? Json.write(r) : batch.resultJson().get(i);
            byJob.computeIfAbsent(r.jobId(), j -> new JobResults(new ArrayList<>(), new ArrayList<>())).add(r, line);
        }
        boolean leftForOwner = false;
        for (Map.Entry<String, JobResults> e : byJob.entrySet()) {
            JobState job = jobs.get(e.getKey());
            if (job == null) {
                // the collector passed on what was not this scheduler's: the job was dropped since (another
                // replica took it), so the message stays on the queue, to be passed on when it comes back
                log.info("job {}: gone while its results were recorded; they are left for its owner", e.getKey());
                leftForOwner = true;
                continue;
            }
            List<TaskResult> results = e.getValue().results();
            List<String> lines = e.getValue().lines();
            try {
                // one text a result: the same lines go to the job store's chunk and to the job's result log
                meter.charge(job.cost()::charge, () -> {
                    persistence.results(job, messageId, results, lines);
                    return null;
                });
                long now = clock.millis();
                listener.recorded(job, job.accept(results, lines, now), now);
                if (job.done()) {
                    ended(job);
                }
            } catch (FencedOutException lost) {
                // another replica took the job: the message stays on the queue for it (what this batch
                // recorded for other jobs is recorded again, idempotently, when it comes back)
                log.info("job {}: taken by another replica; its results are left for it", e.getKey());
                leftForOwner = true;
            }
        }
        if (leftForOwner) {
            return Optional.empty();
        }
        return Optional.of(usageJob != null ? usageJob.cost()::charge : u -> { });
    }

    /** One job's results of a batch, each with its JSON line. */
    private record JobResults(List<TaskResult> results, List<String> lines) {
        void add(TaskResult r, String line) {
            results.add(r);
            lines.add(line);
        }
    }

    /** Records results the scheduler decided, as the chunk {@code chunkId}; empties {@code results}. */
    public void record(JobState job, String chunkId, List<TaskResult> results) {
        meter.charge(job.cost()::charge, () -> {
            persistence.results(job, chunkId, results);
            return null;
        });
        job.accept(results, clock.millis());
        results.clear();
        if (job.done()) {
            ended(job);
        }
    }

    /** Saves the job's cursor, as it stands at its end (or its cancel). */
    public void ended(JobState job) {
        meter.charge(job.cost()::charge, () -> {
            persistence.saveCursor(job);
            return null;
        });
    }
}
