package dev.drover.scheduler;

import dev.drover.core.Usage;
import dev.drover.core.codec.Json;
import dev.drover.core.model.JobStatus;
import dev.drover.core.model.ResultBatch;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import dev.drover.core.port.JobRecord;
import dev.drover.core.workload.TaskSpec;
import dev.drover.core.workload.WorkloadException;
import dev.drover.core.workload.WorkloadReader;
import dev.drover.scheduler.fleet.Demand;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler service: accepts jobs, dispatches their tasks, collects results, reports status,
 * cancels. One instance serves many clients and jobs at once; the same code drives the in-JVM
 * pool and remote workers, the difference being only the {@link Backend}.
 */
public final class Scheduler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Scheduler.class);
    /** Assumed task time before a job has queued or run anything: err towards launching. */
    private static final double UNKNOWN_TASK_SECONDS = 1.0;
    /** Floor for the measured mean, so {@code sleep 0} workloads do not ask for zero workers per task. */
    private static final double MIN_TASK_SECONDS = 0.001;

    private final SchedulerConfig config;
    private final Backend backend;
    private final Clock clock;
    private final Persistence persistence;
    private final Map<String, JobState> jobs = new ConcurrentHashMap<>();
    private final Dispatcher dispatcher;
    private final LostWorkWatch lostWork;
    private final List<ResultCollector> collectors = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final Set<String> reportingWorkers = ConcurrentHashMap.newKeySet();

    public Scheduler(SchedulerConfig config, Backend backend, Clock clock) {
        this.config = config;
        this.backend = backend;
        this.clock = clock;
        this.persistence = new Persistence(backend.jobStore(), backend.payloads());
        this.dispatcher = new Dispatcher(config, backend, clock, jobs::values, persistence,
                (job, results) -> record(job, "failed-" + results.get(0).seq(), results));
        this.lostWork = new LostWorkWatch(backend.requests(), jobs::values, dispatcher, config.lostAfter(), clock);
        for (int i = 0; i < config.collectorThreads(); i++) {
            collectors.add(ResultCollector.responses(backend, this::collect));
        }
        backend.deadLetters().ifPresent(dlq -> collectors.add(ResultCollector.deadLetters(dlq, backend, this::collect, clock)));
    }

    /** Recovers the jobs of an earlier run from the job store, then starts dispatching and collecting. */
    public Scheduler start() throws IOException {
        Files.createDirectories(config.dataDir());
        recover();
        threads.add(thread(dispatcher, "drover-dispatcher"));
        threads.add(thread(lostWork, "drover-lost-work"));
        for (int i = 0; i < collectors.size(); i++) {
            threads.add(thread(collectors.get(i), "drover-collector-" + (i + 1)));
        }
        return this;
    }

    private static Thread thread(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /**
     * Takes a workload, spools it, validates every line, and queues the job. A workload with a bad
     * line is rejected whole, before any of its tasks is queued.
     */
    public JobView submit(InputStream workload, String name, String owner) throws WorkloadException, IOException {
        String jobId = newJobId();
        Path dir = Files.createDirectories(config.dataDir().resolve(jobId));
        Path spool = dir.resolve("workload.txt");
        Files.copy(workload, spool);
        long total;
        try (WorkloadReader reader = new WorkloadReader(Files.newInputStream(spool), name)) {
            total = reader.forEach(spec -> { });
        } catch (WorkloadException e) {
            deleteTree(dir);
            throw e;
        }
        JobState job = new JobState(jobId, name, owner, total, clock.millis(), spool, dir.resolve("results.jsonl"));
        persistence.submitted(job);
        jobs.put(jobId, job);
        dispatcher.enqueue(job);
        log.info("job {} ({}): {} tasks queued", jobId, name, total);
        return job.view(clock.millis());
    }

    private String newJobId() {
        return "j" + Long.toString(clock.millis(), 36) + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36);
    }

    /** Records a batch of results; empty if it belongs to no job of this scheduler (another may own it). */
    private Optional<Consumer<Usage>> collect(String messageId, ResultBatch batch) {
        if (!batch.results().isEmpty() && batch.results().stream().noneMatch(r -> jobs.containsKey(r.jobId()))) {
            return Optional.empty();
        }
        if (!batch.results().isEmpty()) {
            reportingWorkers.add(batch.worker());
        }
        JobState usageJob = jobs.get(batch.usageJob());
        if (usageJob != null) {
            usageJob.charge(batch.usage());
            usageJob.addDuplicates(batch.duplicatesSkipped());
        }
        Map<String, List<TaskResult>> byJob = new ConcurrentHashMap<>();
        batch.results().forEach(r -> byJob.computeIfAbsent(r.jobId(), j -> new ArrayList<>()).add(r));
        byJob.forEach((jobId, results) -> {
            JobState job = jobs.get(jobId);
            if (job == null) {
                log.warn("{} results for unknown job {} dropped", results.size(), jobId);
                return;
            }
            backend.meter().charge(job::charge, () -> {
                persistence.results(job, messageId, results);
                return null;
            });
            job.accept(results, clock.millis());
            if (job.done()) {
                finished(job);
            }
        });
        return Optional.of(usageJob != null ? usageJob::charge : u -> { });
    }

    private void finished(JobState job) {
        backend.meter().charge(job::charge, () -> {
            persistence.saveCursor(job);
            return null;
        });
    }

    public Optional<JobView> status(String jobId) {
        return Optional.ofNullable(jobs.get(jobId)).map(j -> j.view(clock.millis()));
    }

    public List<JobView> list() {
        return jobs.values().stream().sorted(Comparator.comparingLong((JobState j) -> j.submittedAt).thenComparing(j -> j.jobId))
                .map(j -> j.view(clock.millis())).toList();
    }

    /** One task's status, and its result once it has one. */
    public Optional<TaskView> task(String jobId, long seq) throws IOException {
        JobState job = jobs.get(jobId);
        if (job == null || seq < 0 || seq >= job.total) {
            return Optional.empty();
        }
        TaskStatus status = job.status(seq);
        if (!status.isFinal()) {
            return Optional.of(new TaskView(jobId, seq, status, null));
        }
        String marker = "\"seq\":" + seq + ",";
        try (BufferedReader in = Files.newBufferedReader(job.workload.resolveSibling("results.jsonl"), StandardCharsets.UTF_8)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.contains(marker)) {
                    TaskResult r = Json.result(line);
                    if (r.seq() == seq) {
                        return Optional.of(new TaskView(jobId, seq, status, r));
                    }
                }
            }
        }
        return Optional.of(new TaskView(jobId, seq, status, null));
    }

    /**
     * Cancels a job: queued tasks never start, running ones are killed by their workers, and every
     * task without a result is reported CANCELLED now.
     */
    public Optional<JobView> cancel(String jobId) throws WorkloadException {
        JobState job = jobs.get(jobId);
        if (job == null) {
            return Optional.empty();
        }
        if (!job.done()) {
            job.markCancelled();
            backend.meter().charge(job::charge, () -> {
                backend.claims().cancelJob(jobId, clock.instant());
                return null;
            });
            List<TaskResult> cancelled = new ArrayList<>();
            long now = clock.millis();
            try (WorkloadReader reader = WorkloadReader.open(job.workload)) {
                long seq = 0;
                for (TaskSpec spec = reader.next(); spec != null; spec = reader.next(), seq++) {
                    if (!job.status(seq).isFinal()) {
                        cancelled.add(TaskResult.decided(jobId, spec.toTask(seq), TaskStatus.CANCELLED, "cancelled", now));
                    }
                    if (cancelled.size() == 1000) {
                        record(job, "cancel-" + seq, cancelled);
                    }
                }
            }
            record(job, "cancel-end", cancelled);
            finished(job);
            log.info("job {} cancelled", jobId);
        }
        return status(jobId);
    }

    private void record(JobState job, String chunkId, List<TaskResult> results) {
        backend.meter().charge(job::charge, () -> {
            persistence.results(job, chunkId, results);
            return null;
        });
        job.accept(results, clock.millis());
        results.clear();
        if (job.done()) {
            finished(job);
        }
    }

    /** Writes the job's results as JSON lines; with {@code follow}, keeps writing until the job is done. */
    public boolean streamResults(String jobId, OutputStream out, boolean follow) throws IOException {
        JobState job = jobs.get(jobId);
        if (job == null) {
            return false;
        }
        job.log.copyTo(out, follow ? job::done : () -> true);
        return true;
    }

    public void awaitDone(String jobId) throws InterruptedException {
        JobState job = jobs.get(jobId);
        if (job != null) {
            job.awaitDone();
        }
    }

    /** What the fleet must carry: tasks not yet final over all jobs, and how long a task takes. */
    public Demand demand() {
        long backlog = 0;
        double millis = 0;
        double tasks = 0;
        for (JobState job : jobs.values()) {
            long remaining = job.remaining();
            if (remaining > 0 && !job.cancelled()) {
                backlog += remaining;
                double[] time = job.taskTime();
                millis += time[0];
                tasks += time[1];
            }
        }
        double mean = tasks > 0 ? millis / tasks / 1000.0 : UNKNOWN_TASK_SECONDS;
        return new Demand(backlog, Math.max(mean, MIN_TASK_SECONDS), Set.copyOf(reportingWorkers));
    }

    private void recover() throws IOException {
        if (backend.jobStore().isEmpty()) {
            return;
        }
        for (JobRecord record : backend.jobStore().get().list()) {
            Path dir = Files.createDirectories(config.dataDir().resolve(record.jobId()));
            Path spool = dir.resolve("workload.txt");
            try (InputStream in = backend.payloads().open(Persistence.workloadKey(record.jobId()))) {
                Files.copy(in, spool, StandardCopyOption.REPLACE_EXISTING);
            }
            JobState job = new JobState(record.jobId(), record.name(), record.owner(), record.total(),
                    record.submittedAt(), spool, dir.resolve("results.jsonl"));
            job.dispatched(record.dispatched());
            try {
                dispatcher.resumeSending(job, record.sending(), record.sendingFrom());
            } catch (WorkloadException e) {
                log.error("job {}: cannot re-send its last bundles: {}", record.jobId(), e.getMessage());
            }
            if (record.state() == JobStatus.CANCELLED) {
                job.markCancelled();
            }
            List<TaskResult> replay = new ArrayList<>();
            backend.jobStore().get().forEachResult(record.jobId(), r -> {
                replay.add(r);
                if (replay.size() == 1000) {
                    job.accept(replay, record.finishedAt() > 0 ? record.finishedAt() : clock.millis());
                    replay.clear();
                }
            });
            job.accept(replay, record.finishedAt() > 0 ? record.finishedAt() : clock.millis());
            jobs.put(record.jobId(), job);
            if (!job.done() && !job.cancelled() && job.dispatched() < job.total) {
                dispatcher.enqueue(job);
            }
            log.info("recovered job {}: {} of {} tasks have results", record.jobId(), job.total - job.remaining(), job.total);
        }
    }

    @Override
    public void close() {
        dispatcher.stop();
        lostWork.stop();
        collectors.forEach(ResultCollector::stop);
        if (!threads.isEmpty()) {
            threads.get(0).interrupt(); // the dispatcher may be waiting for a job; collectors end their short poll
        }
        for (Thread t : threads) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        jobs.values().forEach(j -> j.log.close());
    }

    private static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
