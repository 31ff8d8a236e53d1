package dev.drover.scheduler.api;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API's throughput: N clients, each its own keep-alive connection, loop on GET /health and on
 * GET /jobs/{id}. Not part of the suite's assertions; run it with -Ddrover.bench=true and read the figures.
 */
class ApiThroughputBench {
    static final int CLIENTS = Integer.getInteger("drover.bench.clients", 16);
    static final long SECONDS = Long.getLong("drover.bench.seconds", 5);

    @Test
    void requestsPerSecond(@TempDir Path dir) throws Exception {
        assumeTrue(Boolean.getBoolean("drover.bench"), "a benchmark: -Ddrover.bench=true");
        try (ApiFixture f = new ApiFixture(dir, HttpApi.Limits.defaults())) {
            String job = f.scheduler.submit(new ByteArrayInputStream("sleep 1\n".getBytes()), "w", "ann").jobId();
            String base = "http://127.0.0.1:" + f.port();
            run(base + "/health", null, 1); // warm-up
            System.out.printf("GET /health: %.0f req/s with %d clients%n", run(base + "/health", null, SECONDS), CLIENTS);
            System.out.printf("GET /jobs/{id}: %.0f req/s with %d clients%n", run(base + "/jobs/" + job, f.annToken, SECONDS), CLIENTS);
        }
    }

    static double run(String url, String token, long seconds) throws Exception {
        AtomicLong done = new AtomicLong();
        long until = System.nanoTime() + seconds * 1_000_000_000L;
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
            if (token != null) {
                b.header("Authorization", "Bearer " + token);
            }
            HttpRequest request = b.build();
            Thread t = new Thread(() -> {
                try {
                    while (System.nanoTime() < until) {
                        HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() != 200) {
                            throw new IllegalStateException(r.statusCode() + " " + r.body());
                        }
                        done.incrementAndGet();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "bench-" + i);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        return done.get() / (double) seconds;
    }
}
