package dev.drover.bench.suite;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.core.codec.Json;
import dev.drover.core.port.ReplicaStore;
import dev.drover.localaws.ProcessFleetLauncher;
import dev.drover.service.RemoteBackends;
import dev.drover.service.EmbeddedAws;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code drover bench --replicas}: throughput of 1, 2 and 3 {@code drover scheduler -rw --replica} processes on
 * one local AWS stack and one fixed fleet (4 worker processes × 4 threads), each case several concurrent
 * {@code sleep 0} jobs spread round-robin over the replicas; per replica, its process CPU (user + system, the
 * JVM's every thread: GC, JIT and heartbeats included) ÷ the tasks of its jobs; and DynamoDB writes per task,
 * those charged to the jobs (claims, result chunks, records: the jobs' own figures) plus the replicas' heartbeats
 * (one {@code PutItem} a beat, counted by the beat counts in their items).
 */
final class ReplicaBench {
    private static final String DROVER_MAIN = "dev.drover.cli.Main";
    private static final Duration READY_WITHIN = Duration.ofSeconds(90);
    private static final Duration JOBS_WITHIN = Duration.ofMinutes(10);

    final Map<String, Object> figures = new LinkedHashMap<>();
    private final List<String> lines = new ArrayList<>();
    private final Path work;
    private final PrintWriter err;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private ReplicaStore store;

    ReplicaBench(Path work, PrintWriter err) {
        this.work = work;
        this.err = err;
    }

    /** One replica process: its port, its process. */
    private record Replica(int port, Process process) {
        String base() {
            return "http://127.0.0.1:" + port;
        }
    }

    void run(List<Integer> counts, int jobs, int tasks) throws Exception {
        figures.put("replicas.jobs", jobs);
        figures.put("replicas.tasksPerJob", tasks);
        try (EmbeddedAws stack = new EmbeddedAws(Optional.empty());
             ProcessFleetLauncher fleet = new ProcessFleetLauncher(EmbeddedAws.workerCommand(4, "600s", true),
                     stack.emulators.endpoints().workerEnvironment(), work.resolve("workers"), Clock.systemUTC())) {
            fleet.launch(4);
            store = RemoteBackends.replicas(stack.aws, EmbeddedAws.resources(stack.emulators.endpoints())).orElseThrow();
            Map<String, String> env = stack.emulators.endpoints().workerEnvironment();
            Path token = work.resolve("admin-token");
            for (int n : counts) {
                List<Replica> replicas = new ArrayList<>();
                try {
                    for (int i = 0; i < n; i++) {
                        replicas.add(start(env, work.resolve("n" + n + "-" + i), token));
                    }
                    String t = Files.readString(token).trim();
                    // warm-up: every replica runs a small job, so each JVM and every worker is past its first calls
                    measure(replicas, t, n, Math.max(2, n), 2_000, false);
                    measure(replicas, t, n, jobs, tasks, true);
                } finally {
                    for (Replica r : replicas) {
                        r.process().destroy();
                        if (!r.process().waitFor(15, TimeUnit.SECONDS)) {
                            r.process().destroyForcibly();
                        }
                    }
                }
            }
        }
    }

    private Replica start(Map<String, String> env, Path dir, Path token) throws Exception {
        Files.createDirectories(dir);
        int port = freePort();
        List<String> cmd = List.of(ProcessHandle.current().info().command().orElse("java"), "-Ddrover.role=scheduler",
                "-XX:+UseSerialGC", "-Xmx512m", "-cp", System.getProperty("java.class.path"), DROVER_MAIN, "scheduler", "-rw",
                "--replica", "-s", Integer.toString(port), "--data", dir.toString(), "--admin-token-file", token.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("scheduler.log").toFile());
        pb.environment().putAll(env);
        Replica r = new Replica(port, pb.start());
        long end = System.nanoTime() + READY_WITHIN.toNanos();
        while (!healthy(r)) {
            if (!r.process().isAlive() || System.nanoTime() > end) {
                r.process().destroyForcibly();
                throw new IllegalStateException("replica did not come up; see " + dir.resolve("scheduler.log"));
            }
            Thread.sleep(100);
        }
        return r;
    }

    private void measure(List<Replica> replicas, String token, int n, int jobs, int tasks, boolean keep) throws Exception {
        String workload = "sleep 0\n".repeat(tasks);
        double[] cpuBefore = replicas.stream().mapToDouble(ReplicaBench::cpuSeconds).toArray();
        long beatsBefore = beats();
        List<String> ids = new ArrayList<>();
        for (int j = 0; j < jobs; j++) {
            ids.add(call(replicas.get(j % n), token, "POST", "/jobs?name=bench-replicas-" + j, workload).path("jobId").asText());
        }
        long[] tasksOf = new long[n];
        long jobWrites = 0;
        long first = Long.MAX_VALUE;
        long last = 0;
        long end = System.nanoTime() + JOBS_WITHIN.toNanos();
        for (int j = 0; j < jobs; j++) {
            Replica owner = replicas.get(j % n);
            JsonNode job = call(owner, token, "GET", "/jobs/" + ids.get(j), null);
            while (!job.path("state").asText().equals("DONE")) {
                if (System.nanoTime() > end) {
                    throw new IllegalStateException("job " + ids.get(j) + " did not end in time: " + job.path("state").asText());
                }
                Thread.sleep(100);
                job = call(owner, token, "GET", "/jobs/" + ids.get(j), null);
            }
            tasksOf[ownerOf(ids.get(j), replicas, j % n)] += job.path("total").asLong();
            jobWrites += job.path("dynamoWrites").asLong();
            first = Math.min(first, job.path("submittedAt").asLong());
            last = Math.max(last, job.path("finishedAt").asLong());
        }
        if (!keep) {
            return;
        }
        double wall = (last - first) / 1000.0;
        long all = (long) jobs * tasks;
        double own = beats() - beatsBefore;
        List<String> cpu = new ArrayList<>();
        double maxCpuPerTask = 0;
        for (int i = 0; i < n; i++) {
            double used = cpuSeconds(replicas.get(i)) - cpuBefore[i];
            double micros = tasksOf[i] == 0 ? 0 : used / tasksOf[i] * 1e6;
            maxCpuPerTask = Math.max(maxCpuPerTask, micros);
            figures.put("replicas" + n + ".replica" + i + ".cpuSeconds", round(used));
            figures.put("replicas" + n + ".replica" + i + ".cpuMicrosPerTask", round(micros));
            cpu.add(String.format("%.1f", micros));
        }
        double writesPerTask = (jobWrites + own) / all;
        figures.put("replicas" + n + ".tasks", all);
        figures.put("replicas" + n + ".wallSeconds", round(wall));
        figures.put("replicas" + n + ".tasksPerSecond", Math.round(all / wall));
        figures.put("replicas" + n + ".dynamoWritesPerTask", round(writesPerTask));
        figures.put("replicas" + n + ".jobDynamoWrites", jobWrites);
        figures.put("replicas" + n + ".replicaOwnDynamoWrites", Math.round(own));
        // one core carries 1e6 / (µs a task) tasks a second; N hosts, each with its replica on a core of its own, N times that
        double perCore = maxCpuPerTask > 0 ? 1e6 / maxCpuPerTask : 0;
        figures.put("replicas" + n + ".tasksPerSecondPerReplicaCore", Math.round(perCore));
        lines.add(String.format("| %d | %d × %,d | %.2f | %,.0f | %s | %d + %d | %.4f | %s | %,.0f |", n, jobs, tasks, wall, all / wall,
                String.join(", ", cpu), jobWrites, Math.round(own), writesPerTask, writesPerTask <= 0.01 ? "yes" : "**no**",
                perCore * n));
        err.printf("replicas %d: %,d tasks in %.2f s (%,.0f tasks/s); CPU µs/task by replica %s; DynamoDB writes/task %.4f%n",
                n, all, wall, all / wall, cpu, writesPerTask);
        err.flush();
    }

    String markdown() {
        return "## Scheduler replicas (`drover bench --replicas`)\n\n"
                + "| replicas | jobs × tasks (`sleep 0`) | wall s | tasks/s | CPU µs a task, each replica | DynamoDB writes: jobs + heartbeats"
                + " | writes/task | ≤ 0.01 | tasks/s projected, N hosts (a core a replica) |\n"
                + "|---:|---|---:|---:|---|---|---:|---|---:|\n" + String.join("\n", lines) + "\n";
    }

    /**
     * The index of the replica that owns the job: placement by load may have put it on another than the one
     * it was submitted to, and each replica's CPU is divided by the tasks it owned.
     */
    private int ownerOf(String jobId, List<Replica> replicas, int submittedTo) {
        String owner = store.owner(jobId).map(ReplicaStore.Owner::replica).orElse(null);
        String address = store.replicas().stream().filter(b -> b.replica().equals(owner)).map(ReplicaStore.Beat::address)
                .findFirst().orElse(null);
        for (int i = 0; address != null && i < replicas.size(); i++) {
            if (address.endsWith(":" + replicas.get(i).port())) {
                return i;
            }
        }
        return submittedTo;
    }

    private static double cpuSeconds(Replica r) {
        return r.process().toHandle().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0);
    }

    /** The replicas' heartbeat writes so far: each beat is one {@code PutItem}, and its item counts them. */
    private long beats() {
        return store.replicas().stream().mapToLong(ReplicaStore.Beat::count).sum();
    }

    private JsonNode call(Replica r, String token, String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(r.base() + path)).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(30));
        b = body == null ? b.GET() : b.method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        HttpResponse<String> response = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IOException(method + " " + path + ": HTTP " + response.statusCode() + " " + response.body());
        }
        return Json.MAPPER.readTree(response.body());
    }

    private boolean healthy(Replica r) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(r.base() + "/health")).timeout(Duration.ofSeconds(1)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
