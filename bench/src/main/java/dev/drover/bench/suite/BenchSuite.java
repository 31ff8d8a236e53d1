package dev.drover.bench.suite;

import dev.drover.bench.suite.Row.Keys;
import dev.drover.scheduler.model.SchedulerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import com.sun.management.OperatingSystemMXBean;

/**
 * Runs a {@link Plan}: first the in-JVM cases (after a warm-up), then, on one remote target, the
 * raw baseline and Drover side by side at each thread count, the efficiency cases, the naive
 * baseline and the elastic fleet. One case at a time; a failed case is reported and skipped.
 */
final class BenchSuite {
    private final Plan plan;
    private final Clock clock;
    private final Path workDir;
    private final PrintWriter log;
    private final Supplier<RemoteTarget> remote;
    private final Duration bundleWork;
    private final long started = System.nanoTime();

    /** @param remote starts the remote target, or null to run the in-JVM cases only */
    BenchSuite(Plan plan, Clock clock, Path workDir, PrintWriter log, Supplier<RemoteTarget> remote, Duration bundleWork) {
        this.bundleWork = bundleWork;
        this.plan = plan;
        this.clock = clock;
        this.workDir = workDir;
        this.log = log;
        this.remote = remote;
    }

    interface Case {
        Row run() throws Exception;
    }

    Report run() throws Exception {
        Report report = new Report(plan, machine(), Instant.now(clock).toString());
        InJvmRunner inJvm = new InJvmRunner(clock, workDir.resolve("in-jvm"), bundleWork);
        if (bundleWork != null) {
            report.notes.add("scheduler bundle work of the efficiency cases overridden: " + bundleWork.toMillis() + " ms (Drover's defaults: "
                    + SchedulerConfig.IN_JVM_BUNDLE_WORK.toMillis() + " ms in-JVM, " + SchedulerConfig.DEFAULT_BUNDLE_WORK.toMillis()
                    + " ms on cloud queues)");
        }
        Files.createDirectories(workDir.resolve("in-jvm"));
        say("warming up the in-JVM path");
        inJvm.warmUp(plan.throughputTasks() * 2, plan.repetitions() + 2);
        for (int w : plan.throughputWorkers()) {
            measure(report, "throughput, in-JVM pool, " + w + " workers",
                    () -> inJvm.poolThroughput(w, plan.throughputTasks(), plan.repetitions()));
            measure(report, "throughput, in-JVM over HTTP, " + w + " workers",
                    () -> inJvm.httpThroughput(w, plan.throughputTasks(), plan.repetitions()));
        }
        for (Plan.Efficiency e : plan.efficiency()) {
            for (int w : e.workers()) {
                measure(report, "efficiency, in-JVM pool, " + e.tasksPerWorker() + " x sleep " + e.taskMillis() + ", "
                        + w + " workers", () -> inJvm.efficiency(w, e.taskMillis(), e.tasksPerWorker()));
            }
        }
        if (remote != null) {
            runRemote(report);
        } else {
            report.notes.add("remote cases not run (--no-remote)");
        }
        report.linkBaselines();
        report.durationSeconds = (System.nanoTime() - started) / 1e9;
        return report;
    }

    private void runRemote(Report report) throws Exception {
        say("starting the remote target");
        long t0 = System.nanoTime();
        try (RemoteTarget target = remote.get()) {
            report.remote = target.description();
            report.notes.add(String.format(Locale.ROOT, "remote target started in %.1f s", (System.nanoTime() - t0) / 1e9));
            Path dir = Files.createDirectories(workDir.resolve("remote"));
            RemoteRunner runner = new RemoteRunner(target, clock, dir, bundleWork);
            int queues = 0;
            for (int w : plan.throughputWorkers()) {
                String name = "drover-bench-raw-" + (++queues);
                measure(report, "raw SQS loop, " + w + " threads",
                        () -> BaselineLoops.raw(target.newQueue(name), target::usage, w, plan.throughputTasks()));
                int[] split = Plan.split(w);
                measure(report, "throughput, local AWS, " + w + " threads (" + split[0] + " x " + split[1] + ")",
                        () -> runner.throughput(w, plan.throughputTasks()));
            }
            for (Plan.Efficiency e : plan.efficiency()) {
                for (int w : e.workers()) {
                    measure(report, "efficiency, local AWS, " + e.tasksPerWorker() + " x sleep " + e.taskMillis() + ", "
                            + w + " threads", () -> runner.efficiency(w, e.taskMillis(), e.tasksPerWorker()));
                }
            }
            measure(report, "naive baseline, " + plan.naiveThreads() + " threads, " + plan.naiveTasks() + " tasks",
                    () -> BaselineLoops.naive(target.newQueue("drover-bench-naive-requests"),
                            target.newQueue("drover-bench-naive-responses"), target.claims(), target::usage, clock,
                            plan.naiveThreads(), plan.naiveTasks()));
            measure(report, "elastic fleet, burst of " + plan.elasticTasks() + " x sleep " + plan.elasticTaskMillis()
                            + ", max " + plan.elasticMaxWorkers() + " workers",
                    () -> runner.elastic(plan.elasticMaxWorkers(), plan.elasticThreads(), plan.elasticTasks(),
                            plan.elasticTaskMillis()));
        }
    }

    private void measure(Report report, String what, Case c) {
        say(what + " ...");
        try {
            Row row = c.run();
            report.rows.add(row);
            say("  " + describe(row));
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            report.failures.add(what + ": " + e);
            say("  FAILED: " + e);
        }
    }

    private static String describe(Row r) {
        StringBuilder sb = new StringBuilder();
        for (String k : List.of(Keys.TASKS_PER_SECOND, Keys.RAW_MESSAGES_PER_SECOND, Keys.EFFICIENCY, Keys.WALL_SECONDS,
                Keys.SQS_REQUESTS_PER_TASK, Keys.DYNAMO_WRITES_PER_TASK, Keys.SECONDS_TO_FULL_FLEET_RUNNING)) {
            if (r.has(k)) {
                double v = r.get(k);
                sb.append(k).append('=').append(k.equals(Keys.EFFICIENCY) ? Report.pct(v)
                        : v >= 100 ? Report.fmt(v) : Report.dec(v, 4)).append("  ");
            }
        }
        return sb.toString().trim();
    }

    private void say(String line) {
        log.printf(Locale.ROOT, "[%6.1fs] %s%n", (System.nanoTime() - started) / 1e9, line);
        log.flush();
    }

    /** Cores, memory, JVM and OS, for the report's header. */
    static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        double gib = -1;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os) {
            gib = os.getTotalMemorySize() / (1024.0 * 1024 * 1024);
        }
        m.put("memoryGiB", Math.round(gib * 10) / 10.0);
        m.put("cpu", cpuModel());
        m.put("java", System.getProperty("java.runtime.version", System.getProperty("java.version")));
        m.put("vm", System.getProperty("java.vm.name") + ", " + System.getProperty("java.vendor"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        return m;
    }

    private static String cpuModel() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst().orElse("unknown");
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
