package dev.drover.bench.suite;

import dev.drover.service.ServiceOptions;
import dev.drover.service.SchedulerService;
import dev.drover.core.memory.InMemoryUserStore;
import dev.drover.scheduler.model.JobView;
import dev.drover.scheduler.Scheduler;
import dev.drover.scheduler.api.HttpApi;
import dev.drover.scheduler.auth.Accounts;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code drover bench --dashboard}: the dashboard under a big scheduler. The in-JVM pool runs a job of
 * {@code bigTasks} {@code sleep 0} tasks beside {@code jobs} finished small jobs; while it runs we time the
 * page's first render as a browser fetches it (the page, its script and style sheet, {@code /session},
 * and {@code /events} up to the end of its first snapshot), and count the event stream's bytes per
 * second over {@code streamSeconds}, with the big job selected (its detail streams too).
 * Targets: first render under 1 s, stream under 50 KB/s.
 */
final class DashboardBench {
    static final double FIRST_RENDER_TARGET_MS = 1000;
    static final double STREAM_TARGET_KBPS = 50;
    static final int RENDERS = 5;

    private final Path dir;
    private final PrintWriter log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final Map<String, Object> figures = new LinkedHashMap<>();

    DashboardBench(Path dir, PrintWriter log) {
        this.dir = dir;
        this.log = log;
    }

    void run(int jobs, int bigTasks, int streamSeconds, int workers) throws Exception {
        Clock clock = Clock.systemUTC();
        Accounts accounts = new Accounts(new InMemoryUserStore(dir.resolve("users.json")), clock);
        String token = accounts.bootstrap().orElseThrow();
        try (SchedulerService service = SchedulerService.start(ServiceOptions.of(dir.resolve("data"), clock,
                new ServiceOptions.InJvmPool(workers)).withHttp(ServiceOptions.Http.loopback(accounts)))) {
            Scheduler scheduler = service.scheduler();
            HttpApi api = service.api();
            long t0 = System.nanoTime();
            List<String> small = new ArrayList<>();
            for (int i = 0; i < jobs; i++) {
                small.add(scheduler.submit(text("sleep 0\n"), "small-" + i + ".txt", Accounts.ADMIN).jobId());
            }
            for (String id : small) {
                scheduler.awaitDone(id);
            }
            log.printf("dashboard bench: %,d small jobs submitted and done in %.1f s%n", jobs, seconds(t0));
            Path workload = dir.resolve("big.txt");
            Files.writeString(workload, "sleep 0\n".repeat(bigTasks));
            long t1 = System.nanoTime();
            String big;
            try (InputStream in = Files.newInputStream(workload)) {
                big = scheduler.submit(in, "big.txt", Accounts.ADMIN).jobId();
            }
            log.printf("dashboard bench: a job of %,d tasks submitted in %.1f s%n", bigTasks, seconds(t1));
            Thread.sleep(2000); // the big job is under way

            String base = "http://127.0.0.1:" + api.port();
            // warms this JVM's HTTP client (a browser's is warm), not the scheduler's page path
            check(http.send(HttpRequest.newBuilder(URI.create(base + "/health")).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode(), "/health");
            double[] renders = new double[RENDERS];
            double[] snapshots = new double[RENDERS];
            long snapshotBytes = 0;
            for (int i = 0; i < RENDERS; i++) {
                long start = System.nanoTime();
                for (String path : List.of("/", "/ui/app.js", "/ui/app.css")) {
                    HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
                            HttpResponse.BodyHandlers.ofByteArray());
                    check(r.statusCode(), path);
                }
                check(http.send(authorized(base + "/session", token), HttpResponse.BodyHandlers.ofString()).statusCode(),
                        "/session");
                long events = System.nanoTime();
                snapshotBytes = firstSnapshot(authorized(base + "/events", token));
                renders[i] = (System.nanoTime() - start) / 1e6;
                snapshots[i] = (System.nanoTime() - events) / 1e6;
            }
            log.printf("dashboard bench: first renders %s ms, of which the snapshot %s ms%n", Arrays.toString(renders),
                    Arrays.toString(snapshots));
            figures.put("firstRenderColdMs", round(renders[0]));
            Arrays.sort(renders);
            JobView during = scheduler.status(big).orElseThrow();
            long doneBefore = finals(during);
            long streamStart = System.nanoTime();
            long bytes = streamFor(authorized(base + "/events?job=" + big, token), streamSeconds);
            double streamSecondsMeasured = seconds(streamStart);
            long doneAfter = finals(scheduler.status(big).orElseThrow());
            scheduler.cancel(big);

            figures.put("jobs", jobs + 1);
            figures.put("bigJobTasks", bigTasks);
            figures.put("firstRenderMedianMs", round(renders[RENDERS / 2]));
            figures.put("firstRenderMaxMs", round(renders[RENDERS - 1]));
            figures.put("firstSnapshotBytes", snapshotBytes);
            figures.put("streamSeconds", round(streamSecondsMeasured));
            figures.put("streamBytes", bytes);
            figures.put("streamKBps", round(bytes / 1024.0 / streamSecondsMeasured));
            figures.put("bigJobTasksPerSecondDuringStream", round((doneAfter - doneBefore) / streamSecondsMeasured));
            figures.put("firstRenderTargetMet", renders[RENDERS / 2] < FIRST_RENDER_TARGET_MS);
            figures.put("streamTargetMet", bytes / 1024.0 / streamSecondsMeasured < STREAM_TARGET_KBPS);
        }
    }

    private static long finals(JobView v) {
        return v.counts().entrySet().stream().filter(e -> e.getKey().isFinal()).mapToLong(Map.Entry::getValue).sum();
    }

    private HttpRequest authorized(String url, String token) {
        return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token).GET().build();
    }

    /** Reads {@code /events} up to the blank line that ends its first event (the snapshot); its size in bytes. */
    private long firstSnapshot(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<InputStream> r = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        check(r.statusCode(), "/events");
        try (InputStream in = new BufferedInputStream(r.body(), 64 * 1024)) {
            long n = 0;
            boolean inSnapshot = false;
            StringBuilder line = new StringBuilder();
            for (int b = in.read(); b != -1; b = in.read()) {
                n++;
                if (b != '\n') {
                    line.append((char) b);
                    continue;
                }
                if (line.toString().equals("event: snapshot")) {
                    inSnapshot = true;
                } else if (line.isEmpty() && inSnapshot) {
                    return n;
                }
                line.setLength(0);
            }
            throw new IOException("/events ended before its snapshot");
        }
    }

    /** Bytes the stream sends in {@code seconds}, the snapshot included: a reader thread counts, then we hang up. */
    private long streamFor(HttpRequest request, int seconds) throws IOException, InterruptedException {
        HttpResponse<InputStream> r = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        check(r.statusCode(), "/events");
        AtomicLong n = new AtomicLong();
        InputStream in = r.body();
        Thread reader = new Thread(() -> {
            byte[] buf = new byte[16 * 1024];
            try {
                for (int got = in.read(buf); got >= 0; got = in.read(buf)) {
                    n.addAndGet(got);
                }
            } catch (IOException closed) {
                // we hung up
            }
        }, "drover-bench-events");
        reader.setDaemon(true);
        reader.start();
        Thread.sleep(seconds * 1000L);
        long counted = n.get();
        in.close();
        reader.join(5000);
        return counted;
    }

    private static void check(int status, String path) throws IOException {
        if (status != 200) {
            throw new IOException("GET " + path + ": HTTP " + status);
        }
    }

    private static ByteArrayInputStream text(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    String markdown() {
        return String.format(Locale.ROOT, """
                ## Dashboard under load

                | figure | value | target |
                |---|---|---|
                | jobs in the scheduler | %s (one of %,d tasks, running) | |
                | first render (page + script + css + /session + first /events snapshot), median of %d | %s ms (the first, cold: %s ms) | < %.0f ms |
                | first snapshot | %,d bytes | |
                | event stream, big job selected, over %s s | %s KB/s | < %.0f KB/s |
                | big job's rate meanwhile | %s tasks/s | |
                """, figures.get("jobs"), (Integer) figures.get("bigJobTasks"), RENDERS, figures.get("firstRenderMedianMs"),
                figures.get("firstRenderColdMs"), FIRST_RENDER_TARGET_MS, (Long) figures.get("firstSnapshotBytes"),
                figures.get("streamSeconds"), figures.get("streamKBps"), STREAM_TARGET_KBPS,
                figures.get("bigJobTasksPerSecondDuringStream"));
    }

    /** True when both targets are met. */
    boolean met() {
        return Boolean.TRUE.equals(figures.get("firstRenderTargetMet")) && Boolean.TRUE.equals(figures.get("streamTargetMet"));
    }
}
