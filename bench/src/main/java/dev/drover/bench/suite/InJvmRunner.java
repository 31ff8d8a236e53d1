package dev.drover.bench.suite;

import dev.drover.service.ServiceOptions;
import dev.drover.service.SchedulerService;
import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.cli.Main;
import dev.drover.cli.TokenFile;
import dev.drover.scheduler.auth.Accounts;
import dev.drover.bench.suite.Row.Keys;
import dev.drover.core.codec.Json;
import dev.drover.scheduler.api.HttpApi;
import dev.drover.scheduler.Scheduler;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The in-JVM cases: N single-threaded workers of the local pool behind a Scheduler built in this
 * process; "pool" submits through the Scheduler API, "http" through the HTTP API with the CLI's own
 * client path ({@code drover submit --wait}, which streams every result back).
 */
final class InJvmRunner {
    private final Clock clock;
    private final Path dir;
    private final Duration bundleWork;
    private final AtomicInteger runs = new AtomicInteger();
    /** The schedulers' users: an admin, whose token {@code drover submit} reads from a file. */
    private final Accounts.Local access = Accounts.local(Clock.systemUTC());

    /** @param bundleWork the scheduler's bundle work for the efficiency cases, or null for Drover's default */
    InJvmRunner(Clock clock, Path dir, Duration bundleWork) {
        this.clock = clock;
        this.dir = dir;
        this.bundleWork = bundleWork;
    }

    /** Throw-away jobs of each kind ({@code rounds × tasks × sleep 0}), so the measured ones run on warm code. */
    void warmUp(int tasks, int rounds) throws Exception {
        try (SchedulerService service = service(4, null)) {
            Scheduler scheduler = service.scheduler();
            for (int i = 0; i < rounds; i++) {
                Workloads.run(scheduler, Workloads.sleeps(tasks, 0), "warm-up", 120);
            }
            Workloads.run(scheduler, Workloads.sleeps(40, 10), "warm-up", 120);
            try (HttpApi api = new HttpApi(scheduler, "127.0.0.1", 0, Map::of, access.accounts()).start()) {
                Path file = writeWorkload(Workloads.sleeps(tasks, 0));
                for (int i = 0; i < rounds; i++) {
                    submitOverHttp(api, file);
                }
            }
        }
    }

    /** {@code tasks × sleep 0} through the Scheduler API: the median of {@code repetitions} runs. */
    Row poolThroughput(int workers, int tasks, int repetitions) throws Exception {
        byte[] workload = Workloads.sleeps(tasks, 0);
        double[] walls = new double[repetitions];
        try (SchedulerService service = service(workers, null)) {
            for (int i = 0; i < repetitions; i++) {
                walls[i] = Workloads.run(service.scheduler(), workload, "throughput-pool-" + workers, 300).wallSeconds();
            }
        }
        return throughputRow("pool", workers, tasks, repetitions, median(walls));
    }

    /** {@code tasks × sleep 0} end to end over HTTP with the CLI's client: the median of the runs. */
    Row httpThroughput(int workers, int tasks, int repetitions) throws Exception {
        Path file = writeWorkload(Workloads.sleeps(tasks, 0));
        double[] walls = new double[repetitions];
        try (SchedulerService service = SchedulerService.start(options(workers, null)
                .withHttp(ServiceOptions.Http.loopback(access.accounts())))) {
            long clientCpu = 0;
            for (int i = 0; i < repetitions; i++) {
                long cpu = SchedulerCpu.threadNanos();
                walls[i] = submitOverHttp(service.api(), file);
                clientCpu += SchedulerCpu.threadNanos() - cpu;
            }
            // the CLI's own thread: it submits, follows and parses every result (its HTTP client's threads not counted)
            return throughputRow("http", workers, tasks, repetitions, median(walls))
                    .put(Keys.CLIENT_CPU_MICROS_PER_TASK, clientCpu / 1000.0 / repetitions / tasks);
        }
    }

    /** {@code perWorker × sleep millis} for each of {@code workers} pool workers. */
    Row efficiency(int workers, int taskMillis, int perWorker) throws Exception {
        int tasks = workers * perWorker;
        double ideal = perWorker * taskMillis / 1000.0;
        try (SchedulerService service = service(workers, bundleWork)) {
            Workloads.Timed t = Workloads.run(service.scheduler(), Workloads.sleeps(tasks, taskMillis),
                    "efficiency-pool-" + workers + "x" + perWorker + "x" + taskMillis, ideal * 3 + 120);
            return efficiencyRow("pool", workers, taskMillis, perWorker, tasks, t.wallSeconds());
        }
    }

    static Row throughputRow(String backend, int workers, int tasks, int repetitions, double wall) {
        return new Row("throughput", backend).put(Keys.WORKERS, workers).put(Keys.TASKS, tasks)
                .put(Keys.REPETITIONS, repetitions).put(Keys.WALL_SECONDS, wall).put(Keys.TASKS_PER_SECOND, tasks / wall);
    }

    static Row efficiencyRow(String backend, int workers, int taskMillis, int perWorker, int tasks, double wall) {
        double ideal = perWorker * taskMillis / 1000.0;
        return new Row("efficiency", backend).put(Keys.WORKERS, workers).put(Keys.TASK_MILLIS, taskMillis)
                .put(Keys.TASKS_PER_WORKER, perWorker).put(Keys.TASKS, tasks).put(Keys.WALL_SECONDS, wall)
                .put(Keys.IDEAL_SECONDS, ideal).put(Keys.EFFICIENCY, ideal / wall);
    }

    /** @param bundleWork null for the pool's default */
    private SchedulerService service(int workers, Duration bundleWork) throws Exception {
        return SchedulerService.start(options(workers, bundleWork));
    }

    private ServiceOptions options(int workers, Duration bundleWork) {
        return ServiceOptions.of(dir.resolve("scheduler-" + runs.incrementAndGet()), clock, new ServiceOptions.InJvmPool(workers))
                .withTuning(c -> SchedulerConfigs.of(c, bundleWork));
    }

    private Path writeWorkload(byte[] workload) throws Exception {
        Path file = dir.resolve("workload-" + runs.incrementAndGet() + ".txt");
        Files.write(file, workload);
        return file;
    }

    /** {@code drover submit --wait -q} against the API; returns the wall time of the whole command. */
    private double submitOverHttp(HttpApi api, Path workload) throws Exception {
        Path summary = dir.resolve("summary-" + runs.incrementAndGet() + ".json");
        StringWriter err = new StringWriter();
        long start = System.nanoTime();
        Path tokenFile = dir.resolve("token");
        if (!Files.exists(tokenFile)) {
            TokenFile.write(tokenFile, access.adminToken());
        }
        int code = Main.run(new String[] {"submit", "-s", "127.0.0.1:" + api.port(), "--token-file", tokenFile.toString(),
                "-w", workload.toString(), "--wait",
                "-q", "--json", summary.toString()}, new PrintWriter(Writer.nullWriter()), new PrintWriter(err));
        double wall = (System.nanoTime() - start) / 1e9;
        if (code != 0) {
            throw new IllegalStateException("drover submit exited with " + code + ": " + err);
        }
        JsonNode s = Json.MAPPER.readTree(summary.toFile());
        if (s.path("succeeded").asLong() != s.path("tasks").asLong() || s.path("tasks").asLong() == 0) {
            throw new IllegalStateException("drover submit: not every task succeeded: " + s);
        }
        return wall;
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
