package dev.drover.bench.suite;

import dev.drover.core.codec.Json;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import dev.drover.scheduler.Scheduler;
import dev.drover.scheduler.model.JobView;
import dev.drover.service.SchedulerService;
import dev.drover.service.ServiceOptions;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.stream.IntStream;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * {@code drover bench --scale}, in a JVM of its own at {@code -Xmx512m} (BenchCommand starts it):
 * <ul>
 *   <li>N × {@code sleep 0} through local AWS on 4 worker processes × 4 threads, the scheduler in
 *       this JVM: wall time, peak heap and RSS, the scheduler's CPU per task, and the bytes the job
 *       keeps in DynamoDB (its record and result chunks) and S3 (its workload) per task;</li>
 *   <li>a simulated fleet of W workers × 16 threads on counted in-memory adapters, workers in this
 *       JVM, running 1 s tasks: efficiency, the scheduler's CPU per task, and the task rate at which
 *       that CPU would fill one core (where one scheduler stops keeping up); with N replicas
 *       ({@code --scale-replicas}), N schedulers in this JVM, one job each: each one's CPU and tasks.</li>
 * </ul>
 */
final class ScaleBench {
    private static final int PROCESSES = 4;
    private static final int THREADS = 4;
    /** At most this many warm-up jobs of the measured tasks; fewer once one of them had little compiled. */
    private static final int WARM_UP_ROUNDS = 5;
    private static final double WARM_JIT_CORES = 0.1;

    final Map<String, Object> figures = new LinkedHashMap<>();
    private final Path dir;
    private final PrintWriter log;
    private final Clock clock = Clock.systemUTC();

    ScaleBench(Path dir, PrintWriter log) {
        this.dir = dir;
        this.log = log;
    }

    /** {@code tasks × sleep 0} through local AWS. */
    void throughSqs(int tasks) throws Exception {
        Path workload = dir.resolve("scale.txt");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(workload), 1 << 16)) {
            byte[] line = "sleep 0\n".getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < tasks; i++) {
                out.write(line);
            }
        }
        log.printf("scale: %,d × sleep 0 through local AWS (%d × %d worker threads), heap limit %d MB%n", tasks, PROCESSES,
                THREADS, Runtime.getRuntime().maxMemory() >> 20);
        log.flush();
        try (LocalAwsTarget target = new LocalAwsTarget(clock);
             RemoteTarget.Launcher fleet = target.launcher(THREADS, "600s", dir.resolve("workers"));
             SchedulerService service = SchedulerService.start(ServiceOptions.of(dir.resolve("scheduler"), clock,
                     new ServiceOptions.Remote(target.backend(), PROCESSES * THREADS)))) {
            Scheduler scheduler = service.scheduler();
            List<String> ids = fleet.launch(PROCESSES);
            RemoteRunner.awaitReady(scheduler, ids, PROCESSES * THREADS);
            long s3Before = target.bucketBytes();
            System.gc();
            ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
            SchedulerCpu cpu = SchedulerCpu.start();
            long start = System.nanoTime();
            long intake = SchedulerCpu.threadNanos();
            JobView job;
            try (InputStream in = Files.newInputStream(workload)) {
                job = scheduler.submit(in, "scale", "bench");
            }
            cpu.intake(SchedulerCpu.threadNanos() - intake);
            scheduler.awaitDone(job.jobId());
            double wall = (System.nanoTime() - start) / 1e9;
            cpu.close();
            Map<SchedulerCpu.Stage, Long> used = cpu.stop();
            JobView done = scheduler.status(job.jobId()).orElseThrow();
            long ok = done.counts().getOrDefault(TaskStatus.SUCCEEDED, 0L);
            long peakHeap = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                    .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
            long dynamo = target.jobItemBytes(job.jobId());
            long s3 = target.bucketBytes() - s3Before;
            figures.put("sqsTasks", tasks);
            figures.put("sqsSucceeded", ok);
            figures.put("sqsWallSeconds", round(wall));
            figures.put("sqsTasksPerSecond", round(tasks / wall));
            figures.put("sqsHeapLimitMB", Runtime.getRuntime().maxMemory() >> 20);
            figures.put("sqsPeakHeapMB", peakHeap >> 20);
            figures.put("sqsPeakRssMB", procStatusKb("VmHWM") >> 10);
            figures.put("sqsSchedulerCpuMicrosPerTask", round(used.values().stream().mapToLong(Long::longValue).sum() / 1000.0 / tasks));
            used.forEach((stage, n) -> figures.put("sqs" + Row.Keys.cpuMicrosPerTask(stage).substring(3), round(n / 1000.0 / tasks)));
            figures.put("sqsRequestsPerTask", round((double) done.sqsRequests() / tasks));
            figures.put("sqsDynamoWritesPerTask", round((double) done.dynamoWrites() / tasks));
            figures.put("dynamoBytesPerTask", round((double) dynamo / tasks));
            figures.put("s3BytesPerTask", round((double) s3 / tasks));
            if (ok != tasks) {
                throw new IllegalStateException("only " + ok + " of " + tasks + " tasks succeeded");
            }
        }
    }

    /**
     * {@code workers × 16} threads of simulated workers, each thread running {@code perThread × sleep taskMillis},
     * under one scheduler or {@code replicas} scheduler replicas in this JVM (one job a replica).
     */
    void simulatedFleet(int workers, int perThread, int taskMillis, int replicas) throws Exception {
        simulatedFleet(workers, 16, perThread, taskMillis, replicas);
    }

    /** The same with {@code threads} a worker (the bench's own test runs a tiny fleet). */
    void simulatedFleet(int workers, int threads, int perThread, int taskMillis, int replicas) throws Exception {
        int tasks = workers * threads * perThread;
        log.printf("scale: simulated fleet of %d workers × %d threads, %,d × sleep %d, %d scheduler%s%n", workers, threads, tasks,
                taskMillis, replicas, replicas == 1 ? "" : " replicas");
        log.flush();
        try (SimulatedTarget target = new SimulatedTarget(clock, true);
             RemoteTarget.Launcher fleet = target.launcher(threads, "600s", dir.resolve("sim"));
             SimulatedSchedulers schedulers = SimulatedSchedulers.start(target, replicas, dir.resolve("sim-scheduler-" + workers),
                     workers * threads, clock)) {
            fleet.launch(workers);
            warmUp(schedulers, workers * threads, taskMillis, k(workers, threads, replicas));
            long jitBefore = SchedStat.ownJitNanos();
            Map<String, Long> callsBefore = target.callsByKind();
            Map<String, Long> tablesBefore = target.tableCallsByKind();
            Map<String, Double> processBefore = ProcessCpu.now();
            SchedulerCpu cpu = SchedulerCpu.start(schedulers.groups());
            SimulatedSchedulers.Run t;
            try {
                t = schedulers.run(tasks, taskMillis, "fleet", perThread * taskMillis / 1000.0 * 5 + 300);
            } finally {
                cpu.close();
            }
            cpu.intake(t.intakeCpuNanos());
            Map<SchedulerCpu.Stage, Long> used = cpu.stop();
            Map<String, Double> process = ProcessCpu.since(processBefore);
            long nanos = used.values().stream().mapToLong(Long::longValue).sum();
            double micros = nanos / 1000.0 / tasks;
            String k = k(workers, threads, replicas);
            figures.put(k + "JitCpuMicrosPerTask", round((SchedStat.ownJitNanos() - jitBefore) / 1000.0 / tasks));
            used.forEach((stage, n) -> figures.put(k + Row.Keys.cpuMicrosPerTask(stage).substring(3), round(n / 1000.0 / tasks)));
            figures.put(k + "Tasks", tasks);
            figures.put(k + "Efficiency", round(perThread * taskMillis / 1000.0 / t.wallSeconds()));
            figures.put(k + "WallSeconds", round(t.wallSeconds()));
            figures.put(k + "SchedulerCpuMicrosPerTask", round(micros));
            figures.put(k + "OneCoreTasksPerSecond", round(1e6 / micros));
            if (replicas > 1) {
                perReplica(k, t, cpu.replicaNanos());
            }
            figures.put(k + "SqsRequestsPerTask", round((double) t.jobs().stream().mapToLong(JobView::sqsRequests).sum() / tasks));
            figures.put(k + "DynamoWritesPerTask", round((double) t.jobs().stream().mapToLong(JobView::dynamoWrites).sum() / tasks));
            // what the simulation itself cost (its workers' threads), the whole JVM (GC and JIT too), and how
            // busy the machine was (all its processes): the fleet shares the JVM and the cores with the scheduler
            figures.put(k + "FleetCpuMicrosPerTask", round(cpu.fleetNanos() / 1000.0 / tasks));
            cpu.fleetNanosByKind().forEach((kind, n) -> figures.put(k + "FleetCpu." + kind + "MicrosPerTask", round(n / 1000.0 / tasks)));
            figures.put(k + "JvmCpuMicrosPerTask", round(process.getOrDefault("scheduler (bench JVM)", 0.0) * 1e6 / tasks));
            figures.put(k + "MachineBusyCores", round(process.getOrDefault(ProcessCpu.MACHINE, 0.0) / t.wallSeconds()));
            figures.put(k + "LoadAverage", round(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
            phases(k, schedulers, t, perThread * taskMillis / 1000.0);
            // by who made them, queue or store and kind, over the whole fleet (idle polls included), not only the jobs'
            target.callsByKind().forEach((kind, n) -> figures.put(k + "Sqs." + kind + "PerTask",
                    round((double) (n - callsBefore.getOrDefault(kind, 0L)) / tasks)));
            Map<String, Long> tables = target.tableCallsByKind();
            figures.put(k + "DynamoCallsPerTask", round((double) tables.entrySet().stream()
                    .mapToLong(e -> e.getValue() - tablesBefore.getOrDefault(e.getKey(), 0L)).sum() / tasks));
            tables.forEach((kind, n) -> figures.put(k + "Dynamo." + kind + "PerTask",
                    round((double) (n - tablesBefore.getOrDefault(kind, 0L)) / tasks)));
            log.printf("scale: %s efficiency %.3f, scheduler CPU %.1f µs a task%s%n", k, perThread * taskMillis / 1000.0 / t.wallSeconds(),
                    micros, replicas == 1 ? "" : " (each replica's per task it owned: " + ownCpu(k, replicas) + ")");
            log.flush();
        }
    }

    private static String k(int workers, int threads, int replicas) {
        return "fleet" + workers + "x" + threads + (replicas == 1 ? "" : "r" + replicas);
    }

    /**
     * Warms the fleet up, unmeasured, as the remote cases warm theirs ({@code RemoteRunner.awaitReady}): a task a
     * thread of {@code sleep 0}, then jobs of the measured one's tasks, two a thread, until the JIT's compiler threads
     * used under a tenth of a core in one (at most {@link #WARM_UP_ROUNDS}): in a fresh JVM they took half the two
     * cores' time through the whole measured run, which a long-lived scheduler and fleet do not pay.
     */
    private void warmUp(SimulatedSchedulers schedulers, int fleetThreads, int taskMillis, String k) throws Exception {
        long start = System.nanoTime();
        schedulers.run(fleetThreads, 0, "warm-up", 300);
        int rounds = 0;
        double jitCores = 1;
        while (rounds < WARM_UP_ROUNDS && jitCores > WARM_JIT_CORES) {
            long jit = SchedStat.ownJitNanos();
            SimulatedSchedulers.Run round = schedulers.run(fleetThreads * 2, taskMillis, "warm-up", 2 * taskMillis / 1000.0 * 5 + 300);
            jitCores = (SchedStat.ownJitNanos() - jit) / 1e9 / round.wallSeconds();
            rounds++;
            log.printf("scale: warm-up round %d, %.2f s, JIT %.2f cores%n", rounds, round.wallSeconds(), jitCores);
            log.flush();
        }
        figures.put(k + "WarmUpRounds", rounds);
        figures.put(k + "WarmUpSeconds", round((System.nanoTime() - start) / 1e9));
    }

    /** Each replica's tasks (of the jobs it owned at their end), and its scheduler CPU a task it owned. */
    private void perReplica(String k, SimulatedSchedulers.Run t, long[] nanos) {
        double slowest = 0;
        for (int i = 0; i < nanos.length; i++) {
            int r = i;
            long owned = IntStream.range(0, t.jobs().size()).filter(j -> t.owners().get(j) == r)
                    .mapToLong(j -> t.jobs().get(j).total()).sum();
            double micros = owned == 0 ? 0 : nanos[i] / 1000.0 / owned;
            slowest = Math.max(slowest, micros);
            figures.put(k + "Replica" + (i + 1) + "Tasks", owned);
            figures.put(k + "Replica" + (i + 1) + "SchedulerCpuMicrosPerTask", round(micros));
        }
        // a core a replica (a host each): the replica with the most CPU a task fills its core first
        figures.put(k + "CoreAReplicaTasksPerSecond", slowest == 0 ? 0 : round(nanos.length * 1e6 / slowest));
    }

    private String ownCpu(String k, int replicas) {
        List<String> each = new ArrayList<>();
        for (int i = 1; i <= replicas; i++) {
            each.add(figures.get(k + "Replica" + i + "SchedulerCpuMicrosPerTask") + " µs × " + figures.get(k + "Replica" + i + "Tasks"));
        }
        return String.join(", ", each);
    }

    /**
     * Where the fleet's wall time beyond the ideal went: submit call to the first start, the gaps
     * between a thread's tasks (last end - first start - ideal) and last end to the last result.
     */
    private void phases(String k, SimulatedSchedulers schedulers, SimulatedSchedulers.Run t, double idealSeconds) throws IOException {
        long firstStarted = Long.MAX_VALUE;
        long lastFinished = Long.MIN_VALUE;
        for (int i = 0; i < t.jobs().size(); i++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            schedulers.scheduler(i).streamResults(t.jobs().get(i).jobId(), out, false);
            for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    TaskResult r = Json.result(line);
                    firstStarted = Math.min(firstStarted, r.startedAt());
                    lastFinished = Math.max(lastFinished, r.finishedAt());
                }
            }
        }
        double base = t.submittedAtMillis();
        figures.put(k + "StartSeconds", round((firstStarted - base) / 1000.0));
        figures.put(k + "GapSeconds", round((lastFinished - firstStarted) / 1000.0 - idealSeconds));
        figures.put(k + "TailSeconds", round(t.wallSeconds() - (lastFinished - base) / 1000.0));
    }

    String markdown() {
        StringBuilder md = new StringBuilder("## Drover bench (scale)\n\n");
        md.append(String.format(Locale.ROOT, "Machine: %s cores; every figure of one run.%n%n", Runtime.getRuntime().availableProcessors()));
        md.append("| figure | value |\n|---|---:|\n");
        figures.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        return md.toString();
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    /** A figure of /proc/self/status, in kB (VmHWM: the peak resident set). */
    static long procStatusKb(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key + ":")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** Bytes of one DynamoDB item as AWS sizes it, near enough: names plus values. */
    static long itemBytes(Map<String, AttributeValue> item) {
        long n = 0;
        for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
            AttributeValue v = e.getValue();
            n += e.getKey().length() + (v.b() != null ? v.b().asByteArray().length : v.s() != null ? v.s().length()
                    : v.n() != null ? v.n().length() : v.toString().length());
        }
        return n;
    }
}
