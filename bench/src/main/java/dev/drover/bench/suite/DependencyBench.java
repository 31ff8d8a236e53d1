package dev.drover.bench.suite;

import dev.drover.service.InJvmFleet;
import dev.drover.core.codec.Json;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import dev.drover.scheduler.Scheduler;
import dev.drover.scheduler.job.JobState;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import com.sun.management.ThreadMXBean;
import dev.drover.scheduler.job.Dependencies;
import dev.drover.scheduler.model.SchedulerConfig;
import java.lang.management.ManagementFactory;

/**
 * Figures for task dependencies (issue 23), printed: a map-reduce's gap from the last map result
 * to the reduce's start, a fan-in's memory and time per edge, a chain's time per link. In-JVM:
 * the scheduler and the in-JVM pool over in-memory queues, so the figures are the scheduler's own.
 * {@code java … DependencyBench [maps] [fanIn] [links]} (defaults: 10,000, 100,000, 1,000).
 */
public final class DependencyBench {
    private static final Clock CLOCK = Clock.systemUTC();

    public static void main(String[] args) throws Exception {
        int maps = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int fanIn = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int links = args.length > 2 ? Integer.parseInt(args[2]) : 1_000;
        Path dir = Files.createTempDirectory("drover-dependency-bench-");
        run(System.out, dir, maps, fanIn, links);
        if (args.length > 3 && args[3].equals("local-aws")) {
            System.out.println(mapReduceOnLocalAws(dir.resolve("local-aws"), maps));
        }
    }

    /** The map-reduce on local AWS (ElasticMQ, dynoxide, s3proxy), two worker processes of 8 threads. */
    static String mapReduceOnLocalAws(Path dir, int maps) throws Exception {
        String workload = "@name prep\nsleep 0\n@replicas " + maps + "\n@after prep\n@name map\nsleep 10\n"
                + "@replicas 1\n@after map\nsleep 0\n";
        try (LocalAwsTarget target = new LocalAwsTarget(CLOCK);
             RemoteTarget.Launcher workers = target.launcher(8, "120s", Files.createDirectories(dir.resolve("workers")));
             Scheduler s = new Scheduler(SchedulerConfig.defaults(dir.resolve("scheduler"), 16),
                     target.backend(), CLOCK).start()) {
            workers.launch(2);
            s.awaitDone(submit(s, workload.replace("@replicas " + maps, "@replicas 16"))); // the workers are up and warm
            long start = System.nanoTime();
            String job = submit(s, workload);
            s.awaitDone(job);
            double staged = (System.nanoTime() - start) / 1e9;
            List<TaskResult> r = results(s, job);
            long lastMap = r.stream().filter(t -> t.seq() >= 1 && t.seq() <= maps).mapToLong(TaskResult::finishedAt).max().orElseThrow();
            TaskResult reduce = r.stream().filter(t -> t.seq() == maps + 1).findFirst().orElseThrow();
            long failed = r.stream().filter(t -> t.status() != TaskStatus.SUCCEEDED).count();
            return String.format("map-reduce 1 -> %,d x sleep 10 -> 1 (local AWS, 2 worker processes x 8 threads): last map's end"
                    + " to reduce start %d ms (to its dispatch %d ms); whole job %.2f s; %d not succeeded",
                    maps, reduce.startedAt() - lastMap, reduce.queuedAt() - lastMap, staged, failed);
        }
    }

    static void run(PrintStream out, Path dir, int maps, int fanIn, int links) throws Exception {
        out.println(mapReduce(dir.resolve("map-reduce"), maps));
        out.println(fanIn(dir.resolve("fan-in"), fanIn));
        out.println(chain(dir.resolve("chain"), links));
    }

    /** 1 task, then {@code maps} × sleep 10, then 1 reduce: the reduce's start after the last map's end; and as three jobs. */
    static String mapReduce(Path dir, int maps) throws Exception {
        String workload = "@name prep\nsleep 0\n@replicas " + maps + "\n@after prep\n@name map\nsleep 10\n"
                + "@replicas 1\n@after map\nsleep 0\n";
        try (InJvmFleet fleet = new InJvmFleet(16, CLOCK);
             Scheduler s = new Scheduler(fleet.schedulerConfig(dir), fleet.backend(), CLOCK).start()) {
            s.awaitDone(submit(s, workload.replace("@replicas " + maps, "@replicas 16"))); // warms the JIT up
            long start = System.nanoTime();
            for (String part : List.of("sleep 0\n", "@replicas " + maps + "\nsleep 10\n", "sleep 0\n")) {
                s.awaitDone(submit(s, part)); // by hand: one job, wait, the next
            }
            double byHandFirst = (System.nanoTime() - start) / 1e9; // before and after: neither gains from the JIT's warming
            start = System.nanoTime();
            String job = submit(s, workload);
            s.awaitDone(job);
            double staged = (System.nanoTime() - start) / 1e9;
            List<TaskResult> r = results(s, job);
            long lastMap = r.stream().filter(t -> t.seq() >= 1 && t.seq() <= maps).mapToLong(TaskResult::finishedAt).max().orElseThrow();
            TaskResult reduce = r.stream().filter(t -> t.seq() == maps + 1).findFirst().orElseThrow();
            long reduceStart = reduce.startedAt();
            long reduceSent = reduce.queuedAt();
            long failed = r.stream().filter(t -> t.status() != TaskStatus.SUCCEEDED).count();

            start = System.nanoTime();
            for (String part : List.of("sleep 0\n", "@replicas " + maps + "\nsleep 10\n", "sleep 0\n")) {
                s.awaitDone(submit(s, part)); // by hand: one job, wait, the next
            }
            double byHand = Math.min(byHandFirst, (System.nanoTime() - start) / 1e9);
            return String.format("map-reduce 1 -> %,d x sleep 10 -> 1 (in-JVM, 16 workers): last map's end to reduce start %d ms"
                    + " (to the reduce's dispatch %d ms: the rest is the worker's poll); whole job %.2f s vs the same as three"
                    + " jobs one after another %.2f s (the better of two runs; efficiency %.0f %%); %d not succeeded",
                    maps, reduceStart - lastMap, reduceSent - lastMap, staged, byHand, 100 * byHand / staged, failed);
        }
    }

    /** {@code n} tasks (lines of 10,000 replicas) into one reduce: memory and time the dependency state adds per edge. */
    static String fanIn(Path dir, int n) throws Exception {
        Files.createDirectories(dir);
        StringBuilder staged = new StringBuilder();
        StringBuilder plain = new StringBuilder();
        StringJoiner names = new StringJoiner(",");
        for (int i = 0, left = n; left > 0; i++) {
            int r = Math.min(10_000, left);
            staged.append("@replicas ").append(r).append("\n@name m").append(i).append("\nsleep 0\n");
            plain.append("@replicas ").append(r).append("\nsleep 0\n");
            names.add("m" + i);
            left -= r;
        }
        staged.append("@replicas 1\n@after ").append(names).append("\nsleep 0\n");
        plain.append("@replicas 1\nsleep 0\n");
        Measured with = null;
        Measured without = null;
        for (int round = 0; round < 3; round++) { // the first rounds warm the JIT up; the best of each counts
            Measured w = feed(dir, "staged" + round, staged.toString(), n);
            Measured p = feed(dir, "plain" + round, plain.toString(), n);
            with = with == null || w.nsPerResult < with.nsPerResult ? w : with;
            without = without == null || p.nsPerResult < without.nsPerResult ? p : without;
        }
        return String.format("fan-in %,d -> 1 (in-JVM): dependency state at most %,d bytes (%.3f bytes per edge); recording a result"
                + " %.0f ns with dependencies, %.0f ns without: %.0f ns per edge; the reduce's gate %.0f ns a call; it %s",
                n, with.bytes, (double) with.bytes / n, with.nsPerResult, without.nsPerResult,
                with.nsPerResult - without.nsPerResult, with.gateNs, with.readyAtEnd ? "goes once the last map is recorded" : "DID NOT GO");
    }

    private record Measured(long bytes, double nsPerResult, double gateNs, boolean readyAtEnd) {}

    private static Measured feed(Path dir, String name, String workload, int n) throws Exception {
        Path file = Files.writeString(dir.resolve(name + ".txt"), workload);
        JobState job = new JobState("j" + name, name, "ann", n + 1, 0, file, dir.resolve(name + ".jsonl"));
        job.tasks().total(); // the index is built at intake, not counted here
        // what building the dependency state allocates: all it keeps, and a few short-lived lists
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        boolean gated = job.dependencies().any();
        long bytes = threads.getCurrentThreadAllocatedBytes() - before;
        List<List<TaskResult>> chunks = new ArrayList<>();
        for (int from = 0; from < n; from += 1000) {
            List<TaskResult> chunk = new ArrayList<>(1000);
            for (int seq = from; seq < Math.min(n, from + 1000); seq++) {
                chunk.add(new TaskResult(job.jobId(), seq, 1, "sleep 0", TaskStatus.SUCCEEDED, 0, "", "", false, false, "w", 0, 1, 2, 1, null));
            }
            chunks.add(chunk);
        }
        long t0 = System.nanoTime();
        for (List<TaskResult> chunk : chunks) {
            job.accept(chunk, 1);
        }
        double perResult = (System.nanoTime() - t0) / (double) n;
        boolean ready = job.dependencies().gate(n, 0) == Dependencies.Gate.READY;
        long g0 = System.nanoTime();
        int readies = 0;
        for (int i = 0; i < 1_000_000; i++) {
            readies += job.dependencies().gate(n, 0) == Dependencies.Gate.READY ? 1 : 0;
        }
        double gate = (System.nanoTime() - g0) / 1e6;
        ready &= readies == 1_000_000;
        job.log().close();
        return new Measured(gated ? bytes : 0, perResult, gate, ready);
    }

    /** {@code links} stages of sleep 0, each after the one before: the time per link. */
    static String chain(Path dir, int links) throws Exception {
        StringBuilder w = new StringBuilder("@name s0\nsleep 0\n");
        for (int i = 1; i < links; i++) {
            w.append("@after s").append(i - 1).append("\n@name s").append(i).append("\nsleep 0\n");
        }
        try (InJvmFleet fleet = new InJvmFleet(4, CLOCK);
             Scheduler s = new Scheduler(fleet.schedulerConfig(dir), fleet.backend(), CLOCK).start()) {
            long start = System.nanoTime();
            String job = submit(s, w.toString());
            s.awaitDone(job);
            double ms = (System.nanoTime() - start) / 1e6;
            long ok = results(s, job).stream().filter(t -> t.status() == TaskStatus.SUCCEEDED).count();
            return String.format("chain of %,d stages of sleep 0 (in-JVM): %.2f ms per link (%.2f s in all; %d succeeded)",
                    links, ms / links, ms / 1000, ok);
        }
    }

    private static String submit(Scheduler s, String workload) throws Exception {
        return s.submit(new ByteArrayInputStream(workload.getBytes(StandardCharsets.UTF_8)), "bench.txt", "ann").jobId();
    }

    private static List<TaskResult> results(Scheduler s, String job) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        s.streamResults(job, out, false);
        return out.toString(StandardCharsets.UTF_8).lines().map(Json::result).toList();
    }
}
