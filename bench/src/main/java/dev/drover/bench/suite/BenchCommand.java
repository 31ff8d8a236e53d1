package dev.drover.bench.suite;

import dev.drover.core.workload.Durations;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import dev.drover.core.codec.Json;
import java.util.ArrayList;

/**
 * {@code drover bench}: Drover's performance story, reproducible in one command. The main class of
 * {@code bench/target/drover-bench.jar}, which the {@code ./drover} launcher runs for {@code drover bench}.
 */
@Command(name = "drover bench", mixinStandardHelpOptions = true, description = {
        "Measure Drover on this machine: throughput (sleep 0) and efficiency (sleep 10 ms, 1 s, 10 s per worker) with"
                + " 1 to 16 workers on the in-JVM pool and on local AWS (emulators + worker processes), beside a raw SQS"
                + " loop and a naive one-task-per-message design on the same emulators, requests per task, cost per"
                + " million tasks and the elastic fleet's ramp-up.",
        "Prints a Markdown table; writes bench.csv, bench.json and PNG plots to --out. The full run takes about"
                + " 20 minutes, --quick about 5; run nothing else meanwhile."})
public final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--quick", description = "Trimmed matrix (1, 4, 16 workers; short efficiency cases): a few minutes.")
    boolean quick;

    @Option(names = "--all", description = "The uncapped matrix: every efficiency series at 1, 2, 4, 8, 16 workers (about 40 minutes).")
    boolean all;

    @Option(names = "--smoke", hidden = true, description = "Tiny in-JVM configuration with a simulated remote (the suite's own test).")
    boolean smoke;

    @Option(names = "--no-remote", description = "In-JVM cases only: no emulators, no worker processes.")
    boolean noRemote;

    @Option(names = "--workers", split = ",", paramLabel = "N",
            description = "Only these worker counts (e.g. 16 or 1,16) in every series.")
    List<Integer> workers = List.of();

    @Option(names = "--task-ms", split = ",", paramLabel = "MS",
            description = "Only the efficiency series with these task lengths (10, 1000, 10000).")
    List<Integer> taskMillis = List.of();

    @Option(names = "--bundle-work", paramLabel = "D",
            description = "Experiment: in the efficiency cases, cut bundles for this much expected work (e.g. 1s) instead of Drover's default.")
    String bundleWork;

    @Mixin
    SingleCases.Files files = new SingleCases.Files();

    @Mixin
    SingleCases.Dashboard dashboard = new SingleCases.Dashboard();

    @Mixin
    SingleCases.Recovery recovery = new SingleCases.Recovery();

    @Mixin
    SingleCases.Scale scale = new SingleCases.Scale();

    @Mixin
    SingleCases.Replicas replicas = new SingleCases.Replicas();

    @Option(names = "--json", paramLabel = "FILE", description = "Also write every figure as JSON to FILE.")
    Path json;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "bench-results",
            description = "Where bench.md, bench.csv, bench.json and the plots go (default: ${DEFAULT-VALUE}).")
    Path out;

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs {@code drover bench} with these arguments (those after "bench") and output; returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        // the same error handling as the other drover commands (dev.drover.cli.Main.run)
        CommandLine cl = new CommandLine(new BenchCommand()).setOut(out).setErr(err)
                .setExecutionExceptionHandler((ex, cmd, parsed) -> {
                    err.println("drover: " + ex.getMessage());
                    err.flush();
                    return ex instanceof IOException ? 1 : 2;
                });
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (quick && all || smoke && (quick || all)) {
            err.println("drover: choose one of --quick, --all");
            return 2;
        }
        if (files.on) {
            return runFiles(stdout, err);
        }
        if (dashboard.on) {
            return runDashboard(stdout, err);
        }
        if (recovery.on) {
            return runRecovery(stdout, err);
        }
        if (scale.on) {
            return runScale(stdout, err);
        }
        if (replicas.on) {
            return runReplicas(stdout, err);
        }
        Plan plan = (smoke ? Plan.smoke() : quick ? Plan.quick() : all ? Plan.all() : Plan.full())
                .only(workers, taskMillis);
        Clock clock = Clock.systemUTC();
        Path work = Files.createTempDirectory("drover-bench-");
        Report report;
        try {
            BenchSuite suite = new BenchSuite(plan, clock, work, err, noRemote ? null
                    : plan.simulatedRemote() ? () -> new SimulatedTarget(clock) : () -> new LocalAwsTarget(clock),
                    bundleWork == null ? null : Durations.parse(bundleWork));
            report = suite.run();
        } finally {
            deleteTree(work);
        }
        Files.createDirectories(out);
        String markdown = report.markdown();
        Files.writeString(out.resolve("bench.md"), markdown);
        report.writeCsv(out.resolve("bench.csv"));
        report.writeJson(out.resolve("bench.json"));
        if (json != null) {
            Path parent = json.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            report.writeJson(json);
        }
        Plots.write(report, out);
        stdout.println(markdown);
        stdout.printf("written: %s (bench.md, bench.csv, bench.json, %s, %s)%s%n", out, Plots.THROUGHPUT, Plots.EFFICIENCY,
                json != null ? " and " + json : "");
        stdout.flush();
        return report.failures.isEmpty() ? 0 : 1;
    }

    /** The scale cases; from a JVM with a bigger heap, they run in a child JVM at -Xmx512m (the target's heap). */
    private int runScale(PrintWriter stdout, PrintWriter err) throws Exception {
        if (Runtime.getRuntime().maxMemory() > (600L << 20)) {
            String java = ProcessHandle.current().info().command().orElse("java");
            Path jar = Path.of(BenchCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            List<String> command = new ArrayList<>(List.of(java, "-Xmx512m",
                    "-Ddrover.home=" + System.getProperty("drover.home", "."), "-jar", jar.toString()));
            command.addAll(List.of(spec.commandLine().getParseResult().originalArgs().toArray(String[]::new)));
            return new ProcessBuilder(command).inheritIO().start().waitFor();
        }
        if (scale.replicas < 1) {
            err.println("drover: --scale-replicas needs at least 1");
            return 2;
        }
        Path work = Files.createTempDirectory("drover-bench-scale-");
        ScaleBench bench = new ScaleBench(work, err);
        List<String> failures = new ArrayList<>();
        try {
            if (scale.tasks > 0) {
                try {
                    bench.throughSqs(scale.tasks);
                } catch (Exception e) {
                    failures.add("through SQS: " + e);
                    err.println("scale through SQS FAILED: " + e);
                }
            }
            for (int w : scale.workers) {
                try {
                    bench.simulatedFleet(w, 5, 1000, scale.replicas);
                } catch (Exception e) {
                    failures.add("simulated fleet of " + w + ": " + e);
                    err.println("simulated fleet FAILED: " + e);
                }
            }
        } finally {
            deleteTree(work);
        }
        report(stdout, "scale", bench.markdown() + (failures.isEmpty() ? "" : "\nFailed: " + failures + "\n"), bench.figures);
        return failures.isEmpty() ? 0 : 1;
    }

    private int runReplicas(PrintWriter stdout, PrintWriter err) throws Exception {
        Path work = Files.createTempDirectory("drover-bench-replicas-");
        ReplicaBench bench = new ReplicaBench(work, err);
        try {
            bench.run(replicas.counts, replicas.jobs, replicas.tasks);
        } finally {
            deleteTree(work);
        }
        report(stdout, "replicas", bench.markdown(), bench.figures);
        return 0;
    }

    private int runRecovery(PrintWriter stdout, PrintWriter err) throws Exception {
        Path work = Files.createTempDirectory("drover-bench-recovery-");
        RecoveryBench bench = new RecoveryBench(work, err);
        try {
            bench.run(recovery.jobs, 100);
        } finally {
            deleteTree(work);
        }
        report(stdout, "recovery", bench.markdown(), bench.figures);
        return 0;
    }

    private int runFiles(PrintWriter stdout, PrintWriter err) throws Exception {
        Path work = Files.createTempDirectory("drover-bench-files-");
        FilesBench bench = new FilesBench(work, err);
        List<String> failures = new ArrayList<>();
        try {
            try {
                if (!"out".equals(files.only)) bench.filesIn(2, files.tasks, 100);
            } catch (Exception e) {
                failures.add("files in: " + e);
                err.println("files in FAILED: " + e);
            }
            if (!noRemote && !"in".equals(files.only)) {
                try {
                    bench.outputsOut(2, 2, files.tasks, 1);
                } catch (Exception e) {
                    failures.add("outputs out: " + e);
                    err.println("outputs out FAILED: " + e);
                }
            }
        } finally {
            deleteTree(work);
        }
        report(stdout, "files", bench.markdown() + (failures.isEmpty() ? "" : "\nFailed: " + failures + "\n"), bench.figures);
        return failures.isEmpty() ? 0 : 1;
    }

    private int runDashboard(PrintWriter stdout, PrintWriter err) throws Exception {
        Path work = Files.createTempDirectory("drover-bench-dashboard-");
        DashboardBench bench = new DashboardBench(work, err);
        try {
            bench.run(1000, dashboard.tasks, 20, 2);
        } finally {
            deleteTree(work);
        }
        report(stdout, "dashboard", bench.markdown(), bench.figures);
        return bench.met() ? 0 : 1;
    }

    /** Writes NAME.md and NAME.json to {@code --out} and prints the Markdown. */
    private void report(PrintWriter stdout, String name, String markdown, Object figures) throws IOException {
        Files.createDirectories(out);
        Files.writeString(out.resolve(name + ".md"), markdown);
        Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(out.resolve(name + ".json").toFile(), figures);
        stdout.println(markdown);
        stdout.printf("written: %s (%s.md, %s.json)%n", out, name, name);
        stdout.flush();
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temp folder is harmless
        }
    }
}
