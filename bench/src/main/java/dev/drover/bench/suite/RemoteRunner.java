package dev.drover.bench.suite;

import dev.drover.service.ServiceOptions;
import dev.drover.service.SchedulerService;
import dev.drover.bench.suite.Row.Keys;
import dev.drover.core.model.TaskStatus;
import dev.drover.core.port.FleetLauncher.Member;
import dev.drover.scheduler.model.JobView;
import dev.drover.scheduler.Scheduler;
import dev.drover.scheduler.fleet.Provisioner;
import dev.drover.core.codec.Json;
import dev.drover.core.model.TaskResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The remote cases: per case a fixed fleet of worker processes (launched, then warmed up until
 * every one has posted results), a new Scheduler on the shared backend, one measured job, and the
 * fleet drained before the next case. Request counts are the job's own, as the scheduler reports
 * them (its calls plus those its workers charge to it).
 */
final class RemoteRunner {
    /** Fixed fleets never idle out during a case; they are drained when it ends. */
    private static final String FIXED_IDLE = "120s";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    /** The longest a measured job waits for the fleet and the scheduler to go idle before it (and the CPU measurement after it). */
    private static final Duration QUIET_TIMEOUT = Duration.ofSeconds(5);
    /** The fleet's warm-up: jobs of this many {@code sleep 0} a thread, until its JIT is this quiet, at most this many. */
    private static final int WARM_UP_TASKS_PER_THREAD = 250;
    private static final double WARM_JIT_CORES = 0.1;
    private static final int WARM_UP_ROUNDS = 5;
    /** ... and after each, a job of the measured job's own tasks, this long a thread (at least one task). */
    private static final long WARM_UP_SHAPED_MILLIS = 300;
    /** Worker price for the elastic case's own cost line: c6i.large on demand, $/hour. */
    private static final double HOURLY_PRICE = 0.085;

    private final RemoteTarget target;
    private final Clock clock;
    private final Path dir;
    private final Duration bundleWork;
    /** Every result of the job just measured, read once for its phases and its wall split. */
    private List<TaskResult> lastResults = List.of();
    private final AtomicInteger runs = new AtomicInteger();
    /** The scheduler's CPU per task of the job just measured, by key; empty if not measured. */
    private Map<String, Double> cpu = Map.of();
    /** The warm-up rounds the fleet of the job just measured ran. */
    private int warmUpRounds;

    /** @param bundleWork the scheduler's bundle work for the efficiency cases, or null for Drover's default */
    RemoteRunner(RemoteTarget target, Clock clock, Path dir, Duration bundleWork) {
        this.target = target;
        this.clock = clock;
        this.dir = dir;
        this.bundleWork = bundleWork;
    }

    /** {@code tasks × sleep 0} on {@code threads} worker threads. */
    Row throughput(int threads, int tasks) throws Exception {
        int[] split = Plan.split(threads);
        Workloads.Timed t = runFixed(split[0], split[1], Workloads.sleeps(tasks, 0), 0, "throughput-remote-" + threads, 600,
                null, true);
        Row row = InJvmRunner.throughputRow("remote", threads, tasks, 1, t.wallSeconds())
                .put(Keys.PROCESSES, split[0]).put(Keys.THREADS_PER_PROCESS, split[1])
                .put(Keys.REMOTE_TASKS_PER_SECOND, tasks / t.wallSeconds());
        return phases(withRequests(row, t.view(), tasks), t);
    }

    /** {@code perWorker × sleep millis} for each of {@code threads} worker threads. */
    Row efficiency(int threads, int taskMillis, int perWorker) throws Exception {
        int[] split = Plan.split(threads);
        int tasks = threads * perWorker;
        double ideal = perWorker * taskMillis / 1000.0;
        Workloads.Timed t = runFixed(split[0], split[1], Workloads.sleeps(tasks, taskMillis), taskMillis,
                "efficiency-remote-" + threads + "x" + perWorker + "x" + taskMillis, ideal * 3 + 180, bundleWork, false);
        Row row = InJvmRunner.efficiencyRow("remote", threads, taskMillis, perWorker, tasks, t.wallSeconds())
                .put(Keys.PROCESSES, split[0]).put(Keys.THREADS_PER_PROCESS, split[1]);
        phases(withRequests(row, t.view(), tasks), t);
        if (!lastResults.isEmpty()) {
            WallSplit w = WallSplit.of(lastResults, t.submittedAtMillis(), t.wallSeconds(), split[1], taskMillis);
            row.put(Keys.SPLIT_START_SECONDS, w.start()).put(Keys.SPLIT_STAGGER_SECONDS, w.stagger())
                    .put(Keys.SPLIT_GAPS_SECONDS, w.gaps()).put(Keys.SPLIT_OVERRUN_SECONDS, w.overrun())
                    .put(Keys.SPLIT_IMBALANCE_SECONDS, w.imbalance()).put(Keys.SPLIT_TAIL_SECONDS, w.tail());
        }
        return row;
    }

    /**
     * Where the wall time went, from the job's own results (epoch millis, one clock on this machine):
     * when the last bundle was queued, the first task started and the last one finished, each in
     * seconds after the submit call; the rest of the wall time is result collection.
     */
    private Row phases(Row row, Workloads.Timed t) {
        if (lastResults.isEmpty()) {
            return row;
        }
        long lastQueued = Long.MIN_VALUE;
        long firstQueued = Long.MAX_VALUE;
        long firstStarted = Long.MAX_VALUE;
        long lastFinished = Long.MIN_VALUE;
        for (TaskResult r : lastResults) {
            lastQueued = Math.max(lastQueued, r.queuedAt());
            firstQueued = Math.min(firstQueued, r.queuedAt());
            firstStarted = Math.min(firstStarted, r.startedAt());
            lastFinished = Math.max(lastFinished, r.finishedAt());
        }
        double base = t.submittedAtMillis();
        double start = Math.max(0, (firstStarted - base) / 1000.0);
        double tail = Math.max(0, t.wallSeconds() - (lastFinished - base) / 1000.0);
        cpu.forEach(row::put);
        row.put(Keys.WARM_UP_ROUNDS, warmUpRounds);
        cpu = Map.of();
        return row.put(Keys.START_OVERHEAD_SECONDS, start).put(Keys.TAIL_OVERHEAD_SECONDS, tail)
                .put(Keys.JOB_OVERHEAD_SECONDS, start + tail)
                .put(Keys.LAST_QUEUED_SECONDS, Math.max(0, (lastQueued - base) / 1000.0))
                .put(Keys.FIRST_QUEUED_SECONDS, Math.max(0, (firstQueued - base) / 1000.0))
                .put(Keys.FIRST_STARTED_SECONDS, Math.max(0, (firstStarted - base) / 1000.0))
                .put(Keys.LAST_FINISHED_SECONDS, Math.max(0, (lastFinished - base) / 1000.0));
    }

    /**
     * @param taskMillis what each task of {@code workload} sleeps: the warm-up runs such tasks too
     * @param measureCpu take the scheduler's CPU per task by stage during the job (a sampler runs meanwhile)
     */
    private Workloads.Timed runFixed(int processes, int threadsPerProcess, byte[] workload, int taskMillis, String name,
                                     double timeout, Duration bundleWork, boolean measureCpu)
            throws Exception {
        int run = runs.incrementAndGet();
        int threads = processes * threadsPerProcess;
        try (RemoteTarget.Launcher fleet = target.launcher(threadsPerProcess, FIXED_IDLE, dir.resolve("workers-" + run));
             SchedulerService service = SchedulerService.start(ServiceOptions.of(dir.resolve("scheduler-" + run), clock,
                     new ServiceOptions.Remote(target.backend(), threads)).withTuning(c -> SchedulerConfigs.of(c, bundleWork)))) {
            Scheduler scheduler = service.scheduler();
            List<String> ids = fleet.launch(processes);
            awaitReady(scheduler, ids, threads);
            warmUpRounds = warmUp(scheduler, threads, taskMillis);
            // the warm-up jobs' ends are theirs, not the measured job's
            QuietProcesses.await(QUIET_TIMEOUT);
            SchedulerCpu.awaitQuiet(QUIET_TIMEOUT);
            SchedulerCpu meter = measureCpu ? SchedulerCpu.start() : null;
            Workloads.Timed t;
            try {
                t = Workloads.run(scheduler, workload, name, timeout);
                if (meter != null) {
                    SchedulerCpu.awaitQuiet(QUIET_TIMEOUT); // the job's own end: its last saves and its expiry
                }
            } finally {
                if (meter != null) {
                    meter.close();
                }
            }
            if (meter != null) {
                meter.intake(t.intakeCpuNanos());
                cpu = cpuFigures(meter.stop(), t.view().total());
            }
            ByteArrayOutputStream results = new ByteArrayOutputStream();
            scheduler.streamResults(t.view().jobId(), results, false);
            lastResults = results.toString(StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).map(Json::result).toList();
            return t;
        }
    }

    /** Microseconds of scheduler CPU per task: in all and for each stage. */
    private static Map<String, Double> cpuFigures(Map<SchedulerCpu.Stage, Long> nanos, long tasks) {
        Map<String, Double> m = new LinkedHashMap<>();
        long total = nanos.values().stream().mapToLong(Long::longValue).sum();
        m.put(Keys.SCHEDULER_CPU_MICROS_PER_TASK, total / 1000.0 / tasks);
        nanos.forEach((stage, n) -> m.put(Keys.cpuMicrosPerTask(stage), n / 1000.0 / tasks));
        return m;
    }

    /**
     * Runs small throw-away jobs until every worker of the fleet has posted results: the processes
     * are up, connected and their code warm, as a long-lived fleet would be.
     */
    static void awaitReady(Scheduler scheduler, List<String> ids, int threads) throws Exception {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        byte[] warmUp = Workloads.sleeps(threads * 10, 20);
        while (!scheduler.demand().reportingWorkers().containsAll(ids)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("workers " + ids + " not all ready after " + READY_TIMEOUT.toSeconds()
                        + " s; reporting: " + scheduler.demand().reportingWorkers());
            }
            Workloads.run(scheduler, warmUp, "warm-up", READY_TIMEOUT.toSeconds());
        }
    }

    /**
     * Runs jobs of {@code sleep 0}, {@link #WARM_UP_TASKS_PER_THREAD} a thread (bundles of hundreds, as a measured job
     * sends), each followed by a short job of the measured job's own tasks ({@code sleep taskMillis}, about
     * {@link #WARM_UP_SHAPED_MILLIS} a thread), until the JIT of the fleet and of this JVM (the scheduler) used under
     * {@link #WARM_JIT_CORES} of a core in one round, at most {@link #WARM_UP_ROUNDS}: a fresh worker compiles its
     * claim, decode and publish paths through its first big jobs (traced, its first claims of a measured job took
     * 20-28 ms, where a warm claim takes 0.5 ms), which a long-lived fleet has done. Tasks that sleep take paths
     * {@code sleep 0} does not (the fetch lead of tasks with a mean, the linger, the timed park): after {@code sleep 0}
     * alone, the JIT of the workers and the scheduler took 0.7 of the 2.2 CPU seconds of a measured 1 s job at 16
     * threads. Returns the rounds run.
     */
    private static int warmUp(Scheduler scheduler, int threads, int taskMillis) throws Exception {
        byte[] job = Workloads.sleeps(threads * WARM_UP_TASKS_PER_THREAD, 0);
        byte[] shaped = taskMillis == 0 ? null
                : Workloads.sleeps(threads * (int) Math.max(1, WARM_UP_SHAPED_MILLIS / taskMillis), taskMillis);
        for (int round = 1; ; round++) {
            long jit = SchedStat.descendantsJitNanos() + SchedStat.ownJitNanos();
            double wall = Workloads.run(scheduler, job, "warm-up", READY_TIMEOUT.toSeconds()).wallSeconds();
            if (shaped != null) {
                wall += Workloads.run(scheduler, shaped, "warm-up", READY_TIMEOUT.toSeconds()).wallSeconds();
            }
            double cores = (SchedStat.descendantsJitNanos() + SchedStat.ownJitNanos() - jit) / 1e9 / wall;
            if (cores < WARM_JIT_CORES || round == WARM_UP_ROUNDS) {
                return round;
            }
        }
    }

    static Row withRequests(Row row, JobView v, long tasks) {
        double sqs = (double) v.sqsRequests() / tasks;
        double writes = (double) v.dynamoWrites() / tasks;
        double reads = (double) v.dynamoReads() / tasks;
        double s3 = (double) v.s3Requests() / tasks;
        return row.put(Keys.SQS_REQUESTS, v.sqsRequests()).put(Keys.DYNAMO_WRITES, v.dynamoWrites())
                .put(Keys.DYNAMO_READS, v.dynamoReads()).put(Keys.S3_REQUESTS, v.s3Requests())
                .put(Keys.SQS_REQUESTS_PER_TASK, sqs).put(Keys.DYNAMO_WRITES_PER_TASK, writes)
                .put(Keys.DYNAMO_READS_PER_TASK, reads).put(Keys.S3_REQUESTS_PER_TASK, s3)
                .put(Keys.COST_PER_MILLION_TASKS_USD, Prices.perMillionTasks(sqs, writes, reads, s3));
    }

    /**
     * Elastic fleet: with a Provisioner (max {@code maxWorkers} processes of {@code threads} threads)
     * already running on an empty fleet, a burst of {@code tasks × sleep millis} is submitted; the
     * row says how long until the first launch, until every worker was launched, and until every
     * worker had posted results. The burst is then cancelled.
     */
    Row elastic(int maxWorkers, int threads, int tasks, int taskMillis) throws Exception {
        int run = runs.incrementAndGet();
        RemoteTarget.Launcher launcher = target.launcher(threads, "10s", dir.resolve("workers-" + run));
        try (SchedulerService service = SchedulerService.start(ServiceOptions.of(dir.resolve("scheduler-" + run), clock,
                new ServiceOptions.Remote(target.backend(), maxWorkers * threads)).withFleet(new ServiceOptions.Fleet(
                Provisioner.Config.elastic(maxWorkers, threads, Duration.ofSeconds(10), HOURLY_PRICE), launcher)))) {
            Scheduler scheduler = service.scheduler();
            Provisioner provisioner = service.provisioner().orElseThrow();
            long start = System.nanoTime();
            JobView job = scheduler.submit(new ByteArrayInputStream(Workloads.sleeps(tasks, taskMillis)), "elastic", "bench");
            double firstLaunch = -1;
            double allLaunched = -1;
            double allRunning = -1;
            long deadline = start + Duration.ofSeconds(180).toNanos();
            while (allRunning < 0 && System.nanoTime() < deadline) {
                List<Member> members = launcher.members();
                double now = (System.nanoTime() - start) / 1e9;
                if (firstLaunch < 0 && !members.isEmpty()) {
                    firstLaunch = now;
                }
                if (allLaunched < 0 && members.size() >= maxWorkers) {
                    allLaunched = now;
                }
                Set<String> reporting = scheduler.demand().reportingWorkers();
                if (members.size() >= maxWorkers && members.stream().allMatch(m -> reporting.contains(m.id()))) {
                    allRunning = now;
                }
                if (scheduler.status(job.jobId()).orElseThrow().counts().get(TaskStatus.QUEUED)
                        + scheduler.status(job.jobId()).orElseThrow().counts().get(TaskStatus.RUNNING) == 0) {
                    break; // the burst ended before the fleet was full
                }
                Thread.sleep(20);
            }
            scheduler.cancel(job.jobId());
            if (allRunning < 0) {
                throw new IllegalStateException("the fleet did not reach " + maxWorkers + " running workers in 180 s ("
                        + launcher.members().size() + " launched)");
            }
            return new Row("elastic", "remote").put(Keys.MAX_WORKERS, maxWorkers).put(Keys.THREADS_PER_PROCESS, threads)
                    .put(Keys.TASKS, tasks).put(Keys.TASK_MILLIS, taskMillis)
                    .put(Keys.SECONDS_TO_FIRST_LAUNCH, firstLaunch).put(Keys.SECONDS_TO_FULL_FLEET_LAUNCHED, allLaunched)
                    .put(Keys.SECONDS_TO_FULL_FLEET_RUNNING, allRunning);
        }
    }
}
