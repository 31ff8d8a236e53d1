package dev.drover.scheduler;

import dev.drover.core.Periodic;
import dev.drover.core.files.FilesException;
import dev.drover.core.files.FilesPack;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import dev.drover.core.workload.WorkloadException;
import dev.drover.scheduler.collect.BundleProofs;
import dev.drover.scheduler.collect.Isolation;
import dev.drover.scheduler.collect.ResultCollector;
import dev.drover.scheduler.collect.ResultGate;
import dev.drover.scheduler.depend.JobWaits;
import dev.drover.scheduler.dispatch.Dispatcher;
import dev.drover.scheduler.dispatch.FairStandings;
import dev.drover.scheduler.dispatch.LostWorkWatch;
import dev.drover.scheduler.model.AcrossReplicas;
import dev.drover.scheduler.model.Backend;
import dev.drover.scheduler.model.JobView;
import dev.drover.scheduler.model.Policy;
import dev.drover.scheduler.fleet.Demand;
import dev.drover.scheduler.files.JobFiles;
import dev.drover.scheduler.intake.Intake;
import dev.drover.core.port.Fence;
import dev.drover.core.port.JobRecord;
import dev.drover.core.port.JobStore;
import dev.drover.scheduler.job.JobState;
import dev.drover.scheduler.job.Persistence;
import dev.drover.scheduler.job.Recovery;
import dev.drover.scheduler.job.ResultRecorder;
import dev.drover.scheduler.job.Retention;
import dev.drover.scheduler.job.RetentionSweeper;
import dev.drover.scheduler.metrics.SchedulerMetrics;
import dev.drover.scheduler.model.Quotas;
import dev.drover.scheduler.model.SchedulerConfig;
import dev.drover.scheduler.model.Submitted;
import dev.drover.scheduler.model.TaskView;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToIntFunction;
import java.util.stream.LongStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler service: accepts jobs, dispatches their tasks, collects results, reports status,
 * cancels. One instance serves many clients and jobs at once; the same code drives the in-JVM
 * pool and remote workers, the difference being only the {@link Backend}.
 */
public final class Scheduler implements Engine, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Scheduler.class);

    private final SchedulerConfig config;
    private final Backend backend;
    private final Clock clock;
    private final Persistence persistence;
    private final Map<String, JobState> jobs = new ConcurrentHashMap<>();
    private final Intake intake;
    private final JobFiles files;
    private final Dispatcher dispatcher;
    private final ResultRecorder results;
    private final List<ResultCollector> collectors = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final List<Periodic> periodic = new ArrayList<>();
    /** How long {@link #close} waits for its threads, together: with every endpoint gone, it takes about this long. */
    public static final Duration STOP_GRACE = Duration.ofSeconds(5);
    private final SchedulerMetrics metrics;
    private final ResultGate resultGate;
    /**
     * The jobs not yet ended, for the dispatcher, the lost-work watch, the fleet's demand and the quotas:
     * ended jobs stay in {@link #jobs} until their retention passes, and a fair-share round, repeated every
     * few milliseconds while a job waits for room, would otherwise scan them all.
     */
    private final Set<JobState> live = ConcurrentHashMap.newKeySet();
    private final RetentionSweeper retention;
    private final JobWaits jobWaits;
    /** One replica of several ({@link #asReplica}): it recovers only ended jobs, and owns jobs by epoch. */
    private volatile boolean replica;
    private volatile AcrossReplicas across = AcrossReplicas.NONE;
    /** How long a submit that lost its key to a submit running at once waits to see the winner's job. */
    private static final Duration KEY_WINNER_WAIT = Duration.ofSeconds(5);

    public Scheduler(SchedulerConfig config, Backend backend, Clock clock) {
        this.config = config;
        BundleProofs proofs = bundleProofs(config, backend);
        this.resultGate = new ResultGate(proofs, jobs::containsKey);
        this.backend = backend;
        this.clock = clock;
        this.persistence = new Persistence(backend.jobStore(), backend.payloads(), new Retention(config.retention()));
        this.intake = new Intake(config.dataDir(), clock);
        this.files = new JobFiles(backend.payloads(), config.dataDir(), config.filesUnpackedLimit());
        this.dispatcher = new Dispatcher(config, backend, clock, proofs, this::live, persistence, this::decided);
        Isolation isolation = new Isolation(dispatcher::isolate, proofs); // every bundle sent is sealed as it is made
        this.metrics = new SchedulerMetrics(this::list, () -> backend.requests().depth(), () -> backend.meter().total());
        // new results count in the figures, and may let an isolated task's successor go
        this.results = new ResultRecorder(jobs, persistence, backend.meter(), clock, (job, fresh, now) -> {
            metrics.collected(fresh, now);
            isolation.reported(job.jobId(), seq -> job.status(seq).isFinal());
            release(job, fresh);
        });
        for (int i = 0; i < config.collectorThreads(); i++) {
            collectors.add(ResultCollector.responses(backend, results::collect, resultGate));
        }
        backend.deadLetters().ifPresent(dlq -> collectors.add(
                ResultCollector.deadLetters(dlq, backend, results::collect, clock, isolation)));
        this.retention = new RetentionSweeper(jobs, persistence, config.dataDir(), new Retention(config.retention()), clock);
        this.jobWaits = new JobWaits(jobs, backend.payloads(), dispatcher::enqueue, (job, reason) -> {
            try {
                cancel(job.jobId(), reason);
            } catch (WorkloadException e) {
                log.error("job {}: cannot cancel it ({}): {}", job.jobId(), reason, e.getMessage());
            }
        });
    }

    /** Forgets the jobs that ended more than the retention ago (the sweeper does it hourly); returns how many. */
    public int sweepExpired() {
        return retention.sweep();
    }

    private static BundleProofs bundleProofs(SchedulerConfig config, Backend backend) {
        try {
            return BundleProofs.of(backend, config.dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or make the result-proof key in " + config.dataDir(), e);
        }
    }

    /** Results and starts dropped because no bundle seal of this scheduler proves them (forged, or not dispatched here). */
    public long unprovenResultsDropped() {
        return resultGate.dropped();
    }

    /** The scheduler's figures, for {@code GET /metrics} and the dashboard. */
    public SchedulerMetrics metrics() {
        return metrics;
    }

    /** Up to {@code limit} of the job's tasks running now, longest-running first; empty if no such job. */
    public Optional<List<JobState.Running>> running(String jobId, int limit) {
        return Optional.ofNullable(known(jobId)).map(j -> j.runningTasks(limit));
    }

    /** Every job's live state, for billing. */
    public List<JobState> jobStates() {
        return List.copyOf(jobs.values());
    }

    /** What one user may hold at once. */
    public Quotas quotas() {
        return config.quotas();
    }

    /** Task threads the fleet has (or will have). */
    public int fleetThreads() {
        return config.fleetThreads();
    }

    /** The job's live state, for the dashboard; empty if no such job. */
    public Optional<JobState> job(String jobId) {
        return Optional.ofNullable(jobs.get(jobId));
    }

    /**
     * Makes this scheduler one replica of several on the same stack (before {@link #start}): the jobs
     * submitted here are owned by {@code replicaId}, every write for a job is fenced by its epoch, and
     * the start recovers only the ended jobs (a {@code replica/ReplicaNode} takes the running ones
     * whose owners are gone, with {@link #adopt}).
     */
    public Scheduler asReplica(String replicaId) {
        persistence.ownAs(replicaId, this::lost);
        this.replica = true;
        return this;
    }

    /** What the other replicas hold (set by a replica's {@code ReplicaNode}): the quotas, budgets and fair share count it. */
    public void acrossReplicas(AcrossReplicas across) {
        this.across = across;
        dispatcher.acrossReplicas(across);
    }

    /** What the other replicas hold; {@link AcrossReplicas#NONE} for a scheduler alone. */
    public AcrossReplicas acrossReplicas() {
        return across;
    }

    /** While this says no, the dispatcher sends nothing (a replica whose heartbeat lease may be passing on). */
    public void dispatchGate(java.util.function.BooleanSupplier mayDispatch) {
        dispatcher.gate(mayDispatch);
    }

    /**
     * Takes up a job this replica has just taken (its epoch is {@code fence}'s now): its record, workload
     * and stored results are read back as a restart would, the bundles its last owner was sending are
     * sent again under the same ids, and dispatch goes on from its cursor.
     */
    public void adopt(String jobId, Fence fence) throws IOException {
        JobStore store = backend.jobStore().orElseThrow();
        JobRecord record = store.get(jobId).orElseThrow(() -> new IOException("job " + jobId + " is gone"));
        persistence.fence(jobId, fence);
        install(new Recovery(store, backend.payloads(), config.dataDir(), clock, new Retention(config.retention())).job(record));
        JobState taken = jobs.get(jobId);
        if (taken != null) {
            jobWaits.settle(taken);
        }
        log.info("job {}: taken over at epoch {}", jobId, fence.epoch());
    }

    /** Another replica took the job: this one stops acting on it at once. */
    private void lost(String jobId) {
        persistence.unfence(jobId);
        JobState job = jobs.remove(jobId);
        if (job != null) {
            live.remove(job);
            dispatcher.release(job);
            log.warn("job {}: another replica owns it now; this one stopped acting on it", jobId);
        }
    }

    /**
     * The job if this scheduler has it; a replica also answers for a job another replica ran to its end,
     * read from the job store on first ask (one read; its results are read when asked for). A running job
     * of another replica is not known here: its owner answers for it.
     */
    private JobState known(String jobId) {
        JobState job = jobs.get(jobId);
        if (job != null || !replica) {
            return job;
        }
        Optional<JobRecord> record = backend.jobStore().flatMap(s -> s.get(jobId));
        if (record.isEmpty() || !record.get().ended()) {
            return null;
        }
        try {
            JobState ended = new Recovery(backend.jobStore().get(), backend.payloads(), config.dataDir(), clock,
                    new Retention(config.retention())).job(record.get()).job();
            JobState raced = jobs.putIfAbsent(jobId, ended);
            return raced != null ? raced : ended;
        } catch (IOException e) {
            throw new UncheckedIOException("job " + jobId + ": cannot read it back from the job store", e);
        }
    }

    /** Jobs this scheduler owns that have not ended. */
    public int liveJobs() {
        return live().size();
    }

    /** Tasks of this scheduler's jobs not yet final. */
    public long backlog() {
        return live().stream().mapToLong(JobState::remaining).sum();
    }

    /** Recovers the jobs of an earlier run from the job store, then starts dispatching and collecting. */
    public Scheduler start() throws IOException {
        Files.createDirectories(config.dataDir());
        recover();
        threads.add(thread(dispatcher, "drover-dispatcher"));
        LostWorkWatch lostWork = new LostWorkWatch(backend.requests(), backend.responses(), this::live, dispatcher,
                config.lostAfter(), clock);
        periodic.add(Periodic.withFixedDelay("drover-lost-work", lostWork.interval(), lostWork.interval(), lostWork::check));
        for (int i = 0; i < collectors.size(); i++) {
            threads.add(thread(collectors.get(i), "drover-collector-" + (i + 1)));
        }
        periodic.add(Periodic.withFixedDelay("drover-retention", Duration.ZERO, RetentionSweeper.INTERVAL, retention::sweep));
        return this;
    }

    private static Thread thread(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.setUncaughtExceptionHandler((thread, e) -> log.error("thread {} died", thread.getName(), e));
        t.start();
        return t;
    }

    /**
     * Takes a workload, spools it, validates every line, and queues the job. A workload with a bad
     * line is rejected whole, before any of its tasks is queued.
     */
    public JobView submit(InputStream workload, String name, String owner)
            throws WorkloadException, IOException, Quotas.Exceeded {
        return submit(workload, name, owner, null);
    }

    /**
     * The same, for a job whose every task starts in a fresh copy of the files pack named by its
     * SHA-256 {@code files} (null: none), which must already be in the payload store ({@link #putFiles}).
     */
    public JobView submit(InputStream workload, String name, String owner, String files)
            throws WorkloadException, IOException, Quotas.Exceeded {
        return submit(workload, name, owner, files, 0, null);
    }

    /**
     * The same, with the job's priority among its owner's jobs under fair share (higher first; default 0),
     * and a budget: the job is cancelled with reason "budget" once it has spent {@code budgetUsd} (null: none).
     */
    public JobView submit(InputStream workload, String name, String owner, String files, int priority, Double budgetUsd)
            throws WorkloadException, IOException, Quotas.Exceeded {
        return submit(workload, name, owner, files, priority, budgetUsd, List.of());
    }

    /**
     * The same, for a job that sends no task until every job in {@code after} has ended with all its
     * tasks succeeded, and is cancelled (reason {@code dependency}) if one of them ends otherwise.
     */
    @Override
    public JobView submit(InputStream workload, String name, String owner, String files, int priority, Double budgetUsd,
                          List<String> after) throws WorkloadException, IOException, Quotas.Exceeded {
        return submit(workload, name, owner, files, priority, budgetUsd, after, null).job();
    }

    /**
     * The same, once per owner's {@code idempotencyKey} (null: none). The key is claimed in the job store
     * once the workload is accepted and before anything is queued, so of two submits with one key, at once
     * or on two replicas, one queues its job and the other discards its copy and answers the winner's job.
     */
    @Override
    public Submitted submit(InputStream workload, String name, String owner, String files,
            int priority, Double budgetUsd, List<String> after, String idempotencyKey)
            throws WorkloadException, IOException, Quotas.Exceeded {
        String unknown = jobWaits.refusal(after, owner);
        if (unknown != null) {
            throw new WorkloadException(name, 0, unknown);
        }
        if (files != null && !(FilesPack.isSha256(files) && hasFiles(files))) {
            throw new WorkloadException(name, 0, "no files pack " + files + " in the store: upload it first");
        }
        if (files != null) {
            // the pack may be another job's, written long ago: its age starts anew, so it outlives this job
            try {
                backend.payloads().touch(FilesPack.PREFIX + files);
            } catch (RuntimeException e) {
                // e.g. S3 unreachable for a moment: the job still runs; the pack keeps its last write's age
                log.warn("files pack {}: could not renew its age ({}); it expires by its first upload's", files, e.toString());
            }
        }
        JobState job = intake.accept(workload, name, owner, files, priority);
        long queued = live().stream().filter(j -> j.owner().equals(owner) && !j.cancelled())
                .mapToLong(JobState::remaining).sum() + across.elsewhere(owner).queued();
        if (queued + job.total() > config.quotas().maxQueuedTasks()) {
            intake.discard(job);
            throw new Quotas.Exceeded(String.format("user %s has %,d tasks queued or running; %,d more would pass the"
                    + " quota of %,d: wait for some to end, or submit fewer", owner, queued, job.total(),
                    config.quotas().maxQueuedTasks()));
        }
        if (idempotencyKey != null) {
            String holder = persistence.claimIdempotencyKey(owner, idempotencyKey, job.jobId());
            if (!holder.equals(job.jobId())) {
                intake.discard(job);
                log.info("job {} ({}): a repeat of idempotency key {}, nothing queued", holder, name, idempotencyKey);
                return new Submitted(existing(holder), false);
            }
        }
        job.cost().budgetUsd(budgetUsd);
        jobWaits.waitOn(job, after, persistence.durable());
        persistence.submitted(job);
        jobs.put(job.jobId(), job);
        live.add(job);
        dispatcher.enqueue(job);
        jobWaits.settle(job); // the jobs it waits on may have ended already
        log.info("job {} ({}): {} tasks queued", job.jobId(), name, job.total());
        return new Submitted(job.view(clock.millis()), true);
    }

    /**
     * The job an idempotency key made: as {@link #status} has it, waiting a moment for a winner that claimed
     * the key an instant ago; else (running on another replica) as its record in the job store has it.
     */
    private JobView existing(String jobId) throws IOException {
        long deadline = System.nanoTime() + KEY_WINNER_WAIT.toNanos();
        while (true) {
            Optional<JobView> known = status(jobId);
            if (known.isPresent()) {
                return known.get();
            }
            Optional<JobRecord> record = backend.jobStore().flatMap(s -> s.get(jobId));
            if (record.isPresent()) {
                JobRecord r = record.get();
                return new JobView(r.jobId(), r.name(), r.owner(), r.state(), r.total(), r.dispatched(), r.counts(),
                        r.submittedAt(), r.finishedAt(), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, r.budgetUsd(), r.cancelReason(),
                        List.of(), List.of());
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("job " + jobId + ", made by this idempotency key, is not to be found: it may have"
                        + " been refused or expired; submit with a new key");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for job " + jobId, e);
            }
        }
    }

    /** Where users' fair-share weights come from (e.g. {@code Accounts::weight}); every user weighs 1 without it. */
    public Scheduler weights(ToIntFunction<String> weightOf) {
        dispatcher.weights(weightOf);
        return this;
    }

    /** How users stand under fair share now (see {@link Dispatcher#standings()}). */
    public List<FairStandings.Standing> standings() {
        return dispatcher.standings();
    }

    /** The dispatch policy this scheduler runs. */
    public Policy policy() {
        return config.policy();
    }

    /** True if the payload store holds the files pack named by this SHA-256 (one HeadObject on S3). */
    public boolean hasFiles(String sha256) {
        return files.has(sha256);
    }

    /** Stores a files pack under its SHA-256 unless the store has it already; true if it was uploaded. */
    public boolean putFiles(String sha256, InputStream pack, long limit) throws IOException, FilesException {
        return files.put(sha256, pack, limit);
    }

    /**
     * Records results the dispatcher decided: FAILED for tasks whose bundle the request queue refused,
     * CANCELLED for tasks a failed dependency blocked.
     */
    private void decided(JobState job, List<TaskResult> decided) {
        List<TaskResult> copy = List.copyOf(decided);
        results.record(job, decided.get(0).status().name().toLowerCase(java.util.Locale.ROOT) + "-" + decided.get(0).seq(), decided);
        release(job, copy);
    }

    /** Tasks that wait on these results' tasks may go now (or be cancelled): the job takes a turn again. */
    private void release(JobState job, List<TaskResult> fresh) {
        if (job.done()) {
            jobWaits.ended(job, live());
        } else if (!job.cancelled() && job.releases(fresh)) {
            dispatcher.enqueue(job);
        }
    }

    /** {@link #live}, without the jobs that have ended since they were added. */
    private Collection<JobState> live() {
        live.removeIf(JobState::done);
        return live;
    }

    public Optional<JobView> status(String jobId) {
        return Optional.ofNullable(known(jobId)).map(j -> j.view(clock.millis()));
    }

    public List<JobView> list() {
        return jobs.values().stream().sorted(Comparator.comparingLong((JobState j) -> j.submittedAt()).thenComparing(j -> j.jobId()))
                .map(j -> j.view(clock.millis())).toList();
    }

    /** One task's status, and its result once it has one. */
    public Optional<TaskView> task(String jobId, long seq) throws IOException {
        JobState job = known(jobId);
        if (job == null || seq < 0 || seq >= job.total()) {
            return Optional.empty();
        }
        TaskStatus status = job.status(seq);
        if (!status.isFinal()) {
            Optional<JobState.Running> run = job.running(seq);
            return Optional.of(new TaskView(jobId, seq, status, run.map(JobState.Running::worker).orElse(null),
                    run.map(JobState.Running::startedAt).orElse(null), null));
        }
        TaskResult result = job.log().find(seq).orElse(null);
        return Optional.of(new TaskView(jobId, seq, status, result == null ? null : result.worker(),
                result == null ? null : result.startedAt(), result));
    }

    /**
     * Cancels a job: queued tasks never start, running ones are killed by their workers, and every
     * task without a result is reported CANCELLED now.
     */
    public Optional<JobView> cancel(String jobId) throws WorkloadException {
        return cancel(jobId, JobState.CANCELLED_BY_USER);
    }

    /** Cancels a job for a reason ({@link JobState#CANCELLED_FOR_BUDGET}): its tasks without a result say it. */
    public Optional<JobView> cancel(String jobId, String reason) throws WorkloadException {
        JobState job = known(jobId);
        if (job == null) {
            return Optional.empty();
        }
        if (!job.done()) {
            job.markCancelled(reason);
            backend.meter().charge(job.cost()::charge, () -> {
                backend.claims().cancelJob(jobId, clock.instant());
                return null;
            });
            List<TaskResult> cancelled = new ArrayList<>();
            long now = clock.millis();
            // the tasks without a final result, read by number: the ones with one are skipped, not read
            job.tasks().forEach(LongStream.range(0, job.total()).filter(seq -> !job.status(seq).isFinal()).iterator(), (seq, spec) -> {
                cancelled.add(TaskResult.decided(jobId, spec.toTask(seq), TaskStatus.CANCELLED, reason, now));
                if (cancelled.size() == 1000) {
                    results.record(job, "cancel-" + seq, cancelled);
                }
            });
            results.record(job, "cancel-end", cancelled);
            results.ended(job);
            log.info("job {} cancelled ({})", jobId, reason);
            jobWaits.ended(job, live());
        }
        return status(jobId);
    }

    /** One output file a task of this scheduler's job left; empty if no such job, task or file. */
    public Optional<InputStream> openOutput(String jobId, long seq, String path) {
        JobState job = known(jobId);
        return job == null || seq < 0 || seq >= job.total() ? Optional.empty() : files.output(jobId, seq, path);
    }

    /** Writes the job's results as JSON lines; with {@code follow}, keeps writing until the job is done. */
    public boolean streamResults(String jobId, OutputStream out, boolean follow) throws IOException {
        JobState job = known(jobId);
        if (job == null) {
            return false;
        }
        job.log().copyTo(out, follow ? job::done : () -> true);
        return true;
    }

    public void awaitDone(String jobId) throws InterruptedException {
        JobState job = known(jobId);
        if (job != null) {
            job.awaitDone();
        }
    }

    /** What the fleet must carry: tasks not yet final over all jobs, and how long a task takes. */
    public Demand demand() {
        return Demand.of(live(), results.reportingWorkers());
    }

    private void recover() throws IOException {
        if (backend.jobStore().isEmpty()) {
            return;
        }
        for (Recovery.Recovered r : new Recovery(backend.jobStore().get(), backend.payloads(), config.dataDir(), clock,
                new Retention(config.retention())).jobs(record -> !replica || record.ended())) {
            install(r);
        }
        List.copyOf(live).forEach(jobWaits::settle); // every job is back: whom a job waits on has ended, or not
    }

    private void install(Recovery.Recovered r) {
        JobState job = r.job();
        jobs.put(job.jobId(), job);
        if (!job.done()) {
            live.add(job);
            jobWaits.recover(job); // before it is in line: a job waiting on others sends nothing yet
        }
        // on the dispatcher's thread, which alone holds what is being sent
        dispatcher.onItsThread(() -> {
            try {
                dispatcher.resumeSending(job, r.record().sending(), r.record().sendingFrom());
            } catch (WorkloadException e) {
                log.error("job {}: cannot re-send its last bundles: {}", job.jobId(), e.getMessage());
            }
            if (!job.done() && !job.cancelled() && (job.dispatched() < job.total() || !r.record().sending().isEmpty())) {
                dispatcher.enqueue(job);
            }
        });
    }

    @Override
    public void close() {
        // one deadline for all: a call that hangs (an endpoint gone) holds up neither the others nor the stop
        long deadline = System.nanoTime() + STOP_GRACE.toNanos();
        dispatcher.stop();
        collectors.forEach(ResultCollector::stop);
        if (!threads.isEmpty()) {
            threads.get(0).interrupt(); // the dispatcher may be waiting for a job; collectors end their short poll
        }
        periodic.forEach(p -> p.stop(Duration.ofNanos(Math.max(0, deadline - System.nanoTime()))));
        for (Thread t : threads) {
            try {
                t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        List<String> busy = threads.stream().filter(Thread::isAlive).map(Thread::getName).toList();
        if (!busy.isEmpty()) {
            threads.forEach(Thread::interrupt);
            log.warn("scheduler stopped after {} with {} still in a call: what they held (unsent bundles, undeleted "
                    + "results) is taken up again from the job store at the next start", STOP_GRACE, busy);
        }
        jobs.values().forEach(j -> j.log().close());
    }
}
