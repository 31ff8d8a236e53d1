package dev.drover.cli;

import dev.drover.service.SchedulerService;
import dev.drover.service.ServiceOptions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.memory.InMemoryUserStore;
import dev.drover.core.model.TaskStatus;
import dev.drover.core.port.User;
import dev.drover.scheduler.model.JobView;
import dev.drover.scheduler.Scheduler;
import dev.drover.scheduler.api.HttpApi;
import dev.drover.scheduler.auth.Accounts;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard's event stream on a busy job stays at a few KB/s: deltas, not the whole state. */
class EventStreamRateTest {
    @TempDir
    Path dir;

    @Test
    void aBusyJobsStreamStaysSmall() throws Exception {
        Clock clock = Clock.systemUTC();
        try (SchedulerService service = SchedulerService.start(ServiceOptions.of(dir.resolve("data"), clock,
                new ServiceOptions.InJvmPool(4)))) {
            Scheduler scheduler = service.scheduler();
            Accounts accounts = new Accounts(new InMemoryUserStore(dir.resolve("users.json")), clock);
            accounts.bootstrap().orElseThrow();
            User admin = accounts.list().get(0);
            try (HttpApi api = new HttpApi(scheduler, "127.0.0.1", 0, Map::of, accounts).start()) {
                String job = scheduler.submit(new ByteArrayInputStream("sleep 1\n".repeat(200_000).getBytes(StandardCharsets.UTF_8)),
                        "busy.txt", Accounts.ADMIN).jobId();
                HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
                // what the sign-in page's script does with the link's code
                String code = api.loginPath(admin).substring("/?login=".length());
                HttpResponse<Void> login = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/session/start"))
                                .header("X-Drover-Login", "1").POST(HttpRequest.BodyPublishers.ofString(code)).build(),
                        HttpResponse.BodyHandlers.discarding());
                String cookie = login.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
                HttpResponse<InputStream> events = http.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + api.port() + "/events?job=" + job)).header("Cookie", cookie).build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                assertEquals(200, events.statusCode());
                java.util.concurrent.atomic.AtomicLong bytes = new java.util.concurrent.atomic.AtomicLong();
                java.util.concurrent.CountDownLatch snapshot = new java.util.concurrent.CountDownLatch(1);
                Thread reader = new Thread(() -> {
                    try (InputStream in = events.body()) {
                        byte[] buf = new byte[8192];
                        StringBuilder head = new StringBuilder();
                        for (int n = in.read(buf); n > 0; n = in.read(buf)) {
                            if (snapshot.getCount() > 0) {
                                head.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                                if (head.indexOf("event: snapshot") >= 0 && head.indexOf("\n\n", head.indexOf("event: snapshot")) >= 0) {
                                    snapshot.countDown();
                                }
                                continue;
                            }
                            bytes.addAndGet(n);
                        }
                    } catch (java.io.IOException e) {
                        // the stream is cut when the test ends
                    }
                }, "sse-reader");
                reader.setDaemon(true);
                reader.start();
                assertTrue(snapshot.await(10, java.util.concurrent.TimeUnit.SECONDS), "a snapshot first");
                long before = finalCount(scheduler.status(job).orElseThrow());
                long t0 = System.nanoTime();
                Thread.sleep(8_000);
                long got = bytes.get();
                long t1 = System.nanoTime();
                long ran = finalCount(scheduler.status(job).orElseThrow()) - before;
                double seconds = (t1 - t0) / 1e9;
                double rate = got / seconds;
                System.out.printf("event stream: %.0f bytes/s over %.1f s while the job ran %.0f tasks/s%n", rate, seconds, ran / seconds);
                assertTrue(ran / seconds > 1000, "a busy job: " + ran / seconds + " tasks/s");
                assertTrue(rate < 5_000, "a few KB/s, not the whole state: " + rate + " bytes/s");
                assertTrue(scheduler.status(job).orElseThrow().counts().get(TaskStatus.QUEUED) > 0, "still running at the end");
                scheduler.cancel(job);
            }
        }
    }

    static long finalCount(JobView v) {
        return v.total() - v.counts().get(TaskStatus.QUEUED) - v.counts().get(TaskStatus.RUNNING);
    }
}
