package dev.drover.scheduler;

import dev.drover.core.files.FilesException;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import dev.drover.core.port.Fence;
import dev.drover.core.workload.WorkloadException;
import dev.drover.scheduler.collect.BundleProofs;
import dev.drover.scheduler.collect.Isolation;
import dev.drover.scheduler.collect.Collectors;
import dev.drover.scheduler.collect.ResultGate;
import dev.drover.scheduler.depend.JobWaits;
import dev.drover.scheduler.dispatch.Dispatcher;
import dev.drover.scheduler.dispatch.FairStandings;
import dev.drover.scheduler.dispatch.LostWorkWatch;
import dev.drover.scheduler.model.AcrossReplicas;
import dev.drover.scheduler.files.JobFiles;
import dev.drover.scheduler.fleet.Demand;
import dev.drover.scheduler.intake.Intake;
import dev.drover.scheduler.job.JobState;
import dev.drover.scheduler.job.ObjectRenewal;
import dev.drover.scheduler.job.Persistence;
import dev.drover.scheduler.job.ResultRecorder;
import dev.drover.scheduler.job.Retention;
import dev.drover.scheduler.job.RetentionSweeper;
import dev.drover.scheduler.metrics.SchedulerMetrics;
import dev.drover.scheduler.model.Backend;
import dev.drover.scheduler.model.JobView;
import dev.drover.scheduler.model.Policy;
import dev.drover.scheduler.model.Quotas;
import dev.drover.scheduler.model.SchedulerConfig;
import dev.drover.scheduler.model.Submitted;
import dev.drover.scheduler.model.TaskView;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler service: accepts jobs, dispatches their tasks, collects results, reports status,
 * cancels. One instance serves many clients and jobs at once; the same code drives the in-JVM
 * pool and remote workers, the difference being only the {@link Backend}. It composes the flow's
 * parts and gives each call to the one that does it: {@link Submissions} the submit path, {@link
 * Canceller} a cancel, {@link Restorer} recovery and adoption, {@link SchedulerThreads} the threads.
 */
public final class Scheduler implements Engine, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Scheduler.class);
    /** How long {@link #close} waits for its threads, together: with every endpoint gone, it takes about this long. */
    public static final Duration STOP_GRACE = Duration.ofSeconds(5);

    private final SchedulerConfig config;
    private final Clock clock;
    private final JobTable jobs = new JobTable();
    private final JobFiles files;
    private final Dispatcher dispatcher;
    private final ResultRecorder results;
    private final SchedulerMetrics metrics;
    private final Chores chores;
    private final JobWaits jobWaits;
    private final Restorer restorer;
    private final Submissions submissions;
    private final Canceller canceller;
    private final SchedulerThreads threads;
    private final Collectors collectors;

    public Scheduler(SchedulerConfig config, Backend backend, Clock clock) {
        this.config = config;
        this.clock = clock;
        BundleProofs proofs = BundleProofs.of(backend, config.dataDir());
        ResultGate resultGate = new ResultGate(proofs, jobs.byId()::containsKey);
        Persistence persistence = new Persistence(backend.jobStore(), backend.payloads(), new Retention(config.retention()));
        this.files = new JobFiles(backend.payloads(), config.dataDir(), config.filesUnpackedLimit());
        this.dispatcher = new Dispatcher(config, backend, clock, proofs, jobs::live, persistence, this::decided);
        Isolation isolation = new Isolation(dispatcher::isolate, proofs); // every bundle sent is sealed as it is made
        this.metrics = new SchedulerMetrics(this::list, () -> backend.requests().depth(), () -> backend.meter().total());
        // new results count in the figures, and may let an isolated task's successor go
        this.results = new ResultRecorder(jobs.byId(), persistence, backend.meter(), clock, (job, fresh, now) -> {
            metrics.collected(fresh, now);
            isolation.reported(job.jobId(), seq -> job.status(seq).isFinal());
            release(job, fresh);
        });
        this.jobWaits = new JobWaits(jobs.byId(), backend.payloads(), dispatcher::enqueue, (job, reason) -> {
            try {
                cancel(job.jobId(), reason);
            } catch (WorkloadException e) {
                log.error("job {}: cannot cancel it ({}): {}", job.jobId(), reason, e.getMessage());
            }
        });
        this.restorer = new Restorer(backend, config, clock, persistence, jobs, dispatcher, jobWaits);
        this.submissions = new Submissions(new Intake(config.dataDir(), clock), files, backend, config.quotas(), persistence,
                jobs, jobWaits, dispatcher, clock, this::status);
        this.collectors = new Collectors(config.collectorThreads(), backend, results::collect, resultGate, isolation,
                jobs.byId()::containsKey, restorer::replica, submissions::acrossReplicas, clock);
        this.threads = new SchedulerThreads(dispatcher, collectors.all());
        this.canceller = new Canceller(backend, clock, results, jobWaits, jobs);
        this.chores = new Chores(new LostWorkWatch(backend.requests(), backend.responses(), jobs::live, dispatcher,
                config.lostAfter(), clock),
                new RetentionSweeper(jobs.byId(), persistence, config.dataDir(), new Retention(config.retention()), clock),
                new ObjectRenewal(backend.payloads(), jobs::live, persistence.durable(),
                        persistence.durable() ? List.of(BundleProofs.KEY_OBJECT) : List.of()));
    }

    /** Forgets the jobs that ended more than the retention ago (the sweeper does it hourly); returns how many. */
    public int sweepExpired() {
        return chores.sweepExpired();
    }

    /** Writes again the objects running jobs still need (done daily, see {@link ObjectRenewal}); returns their keys. */
    public List<String> renewObjects() {
        return chores.renewObjects();
    }

    /** Results and starts dropped because no bundle seal of this scheduler proves them (forged, or not dispatched here). */
    public long unprovenResultsDropped() {
        return collectors.unprovenDropped();
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
        return List.copyOf(jobs.all());
    }

    public Quotas quotas() { // what one user may hold at once
        return config.quotas();
    }

    public int fleetThreads() { // task threads the fleet has (or will have)
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
        restorer.asReplica(replicaId);
        return this;
    }

    /** The result collectors: a replica's service links them to the other replicas, both ways. */
    public Collectors collectors() {
        return collectors;
    }

    /** What the other replicas hold (set by a replica's {@code ReplicaNode}): the quotas, budgets and fair share count it. */
    public void acrossReplicas(AcrossReplicas across) {
        submissions.acrossReplicas(across);
        dispatcher.acrossReplicas(across);
    }

    @Override
    public AcrossReplicas acrossReplicas() {
        return submissions.acrossReplicas();
    }

    /** While this says no, the dispatcher sends nothing (a replica whose heartbeat lease may be passing on). */
    public void dispatchGate(BooleanSupplier mayDispatch) {
        dispatcher.gate(mayDispatch);
    }

    /**
     * Takes up a job this replica has just taken (its epoch is {@code fence}'s now): its record, workload
     * and stored results are read back as a restart would, the bundles its last owner was sending are
     * sent again under the same ids, and dispatch goes on from its cursor.
     */
    public void adopt(String jobId, Fence fence) throws IOException {
        restorer.adopt(jobId, fence);
    }

    /** Another replica owns the job at {@code epoch}: unless it was taken back since, this one lets go, ending its follows. */
    public void lost(String jobId, long epoch) {
        restorer.lostTo(jobId, epoch);
    }

    /** The job if this scheduler has it, or (a replica) another replica's ended job read back; else null. */
    private JobState known(String jobId) {
        return restorer.known(jobId);
    }

    /** Jobs this scheduler owns that have not ended. */
    public int liveJobs() {
        return jobs.live().size();
    }

    /** Tasks of this scheduler's jobs not yet final. */
    public long backlog() {
        return jobs.live().stream().mapToLong(JobState::remaining).sum();
    }

    /** Recovers the jobs of an earlier run from the job store, then starts dispatching and collecting. */
    public Scheduler start() throws IOException {
        Files.createDirectories(config.dataDir());
        restorer.recover();
        threads.start();
        chores.start(threads);
        threads.every("drover-job-waits", JobWaits.FOLLOW_EVERY, JobWaits.FOLLOW_EVERY, () -> jobWaits.followElsewhere(jobs.live()));
        return this;
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
        return submissions.submit(workload, name, owner, files, priority, budgetUsd, after, idempotencyKey);
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

    public Policy policy() { // the dispatch policy this scheduler runs
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
        results.record(job, decided.get(0).status().name().toLowerCase(Locale.ROOT) + "-" + decided.get(0).seq(), decided);
        release(job, copy);
    }

    /** Tasks that wait on these results' tasks may go now (or be cancelled): the job takes a turn again. */
    private void release(JobState job, List<TaskResult> fresh) {
        if (job.done()) {
            jobWaits.ended(job, jobs.live());
        } else if (!job.cancelled() && job.dependencies().releases(fresh)) {
            dispatcher.enqueue(job);
        }
    }

    public Optional<JobView> status(String jobId) {
        return Optional.ofNullable(known(jobId)).map(j -> j.view(clock.millis()));
    }

    public List<JobView> list() {
        return jobs.sorted().stream().map(j -> j.view(clock.millis())).toList();
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
        canceller.cancel(job, reason);
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
        job.log().copyTo(out, follow ? () -> job.done() || jobs.get(jobId) != job : () -> true); // or lost
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
        return Demand.of(jobs.live(), results.reportingWorkers());
    }

    @Override
    public void close() {
        threads.stop(STOP_GRACE);
        jobs.all().forEach(j -> j.log().close());
    }
}
