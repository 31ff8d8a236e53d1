package dev.drover.scheduler.job;

import dev.drover.core.Usage;
import dev.drover.core.UsageMeter;
import dev.drover.core.codec.Json;
import dev.drover.core.model.ResultBatch;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStart;
import dev.drover.core.port.FencedOutException;
import dev.drover.core.port.ResultChunk;
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

    /** A workers' result batch as it came, in the message {@code messageId} (the id of the chunk its results are stored as). */
    public record Incoming(String messageId, ResultBatch batch) {}

    /**
     * Records the batches of one receive. Each job's results from all of them are stored in one write (a
     * chunk a message), and only then taken by the job. Answers, for each batch in order, where to charge
     * the calls that handled it; empty if it belongs to no job of this scheduler (another may own it), or
     * if a job of it was taken by another replica meanwhile (the message then stays on the queue for it).
     */
    public List<Optional<Consumer<Usage>>> collect(List<Incoming> batches) {
        List<Optional<Consumer<Usage>>> charges = new ArrayList<>(batches.size());
        Map<String, JobResults> byJob = new LinkedHashMap<>();
        for (int b = 0; b < batches.size(); b++) {
            ResultBatch batch = batches.get(b).batch();
            if (!started(batch)) {
                charges.add(Optional.empty());
                continue;
            }
            JobState usageJob = jobs.get(batch.usageJob());
            charges.add(Optional.of(usageJob != null ? usageJob.cost()::charge : u -> { }));
            List<TaskResult> all = batch.results();
            for (int i = 0; i < all.size(); i++) {
                TaskResult r = all.get(i);
                // the text as received where the collector's reader kept it: exactly Json.write(r), not encoded again
                String line = batch.resultJson().isEmpty() ? Json.write(r) : batch.resultJson().get(i);
                byJob.computeIfAbsent(r.jobId(), j -> new JobResults()).add(b, batches.get(b).messageId(), r, line);
            }
        }
        byJob.forEach((jobId, results) -> {
            if (!record(jobId, results)) {
                results.batches().forEach(b -> charges.set(b, Optional.empty()));
            }
        });
        return charges;
    }

    /**
     * Takes a batch's starts and its usage, unless it reports only on jobs of other schedulers (false then).
     * Starts come first: a result in the same batch then ends the task, and a start never undoes a result.
     */
    private boolean started(ResultBatch batch) {
        boolean reports = !batch.results().isEmpty() || !batch.started().isEmpty();
        if (reports && batch.results().stream().noneMatch(r -> jobs.containsKey(r.jobId()))
                && batch.started().stream().noneMatch(s -> jobs.containsKey(s.jobId()))) {
            return false;
        }
        if (reports) {
            reportingWorkers.add(batch.worker());
        }
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
        return true;
    }

    /** Stores one job's results of a receive, then has the job take them; false if the job is not this scheduler's now. */
    private boolean record(String jobId, JobResults results) {
        JobState job = jobs.get(jobId);
        if (job == null) {
            // the collector passed on what was not this scheduler's: the job was dropped since (another
            // replica took it), so the messages stay on the queue, to be passed on when they come back
            log.info("job {}: gone while its results were recorded; they are left for its owner", jobId);
            return false;
        }
        try {
            // one text a result: the same lines go to the job store's chunks and to the job's result log
            meter.charge(job.cost()::charge, () -> {
                persistence.results(job, results.chunks());
                return null;
            });
            long now = clock.millis();
            listener.recorded(job, job.accept(results.results(), results.lines(), now), now);
            if (job.done()) {
                ended(job);
            }
            return true;
        } catch (FencedOutException lost) {
            // another replica took the job: the messages stay on the queue for it (what they recorded for
            // other jobs is recorded again, idempotently, when they come back)
            log.info("job {}: taken by another replica; its results are left for it", jobId);
            return false;
        }
    }

    /** One job's results of a receive: a chunk for each message that holds some, and which batches those were. */
    private record JobResults(List<ResultChunk> chunks, List<Integer> batches) {
        JobResults() {
            this(new ArrayList<>(), new ArrayList<>());
        }

        void add(int batch, String messageId, TaskResult r, String line) {
            if (batches.isEmpty() || batches.get(batches.size() - 1) != batch) {
                batches.add(batch);
                chunks.add(new ResultChunk(messageId, new ArrayList<>(), new ArrayList<>()));
            }
            ResultChunk chunk = chunks.get(chunks.size() - 1);
            chunk.results().add(r);
            chunk.jsonLines().add(line);
        }

        List<TaskResult> results() {
            return chunks.stream().flatMap(c -> c.results().stream()).toList();
        }

        List<String> lines() {
            return chunks.stream().flatMap(c -> c.jsonLines().stream()).toList();
        }
    }

    /** Records results the scheduler decided, as the chunk {@code chunkId}; empties {@code results}. */
    public void record(JobState job, String chunkId, List<TaskResult> results) {
        meter.charge(job.cost()::charge, () -> {
            persistence.results(job, List.of(new ResultChunk(chunkId, List.copyOf(results), null)));
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
