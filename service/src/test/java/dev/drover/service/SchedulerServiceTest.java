package dev.drover.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.model.TaskStatus;
import dev.drover.scheduler.auth.Accounts;
import dev.drover.scheduler.model.JobView;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A service assembled from options runs a job and answers HTTP; a part that cannot start stops the others. */
class SchedulerServiceTest {
    @TempDir
    Path dir;

    @Test
    void anInJvmServiceRunsAJobAndServesHttp() throws Exception {
        Accounts.Local access = Accounts.local(Clock.systemUTC());
        try (SchedulerService service = SchedulerService.start(ServiceOptions.of(dir, Clock.systemUTC(),
                new ServiceOptions.InJvmPool(2)).withHttp(ServiceOptions.Http.loopback(access.accounts())))) {
            assertEquals(2, service.pool().orElseThrow().size());
            assertTrue(service.provisioner().isEmpty());
            JobView job = service.scheduler().submit(new ByteArrayInputStream("true\ntrue\nfalse\n".getBytes(StandardCharsets.UTF_8)),
                    "w.txt", Accounts.ADMIN);
            service.scheduler().awaitDone(job.jobId());
            JobView done = service.scheduler().status(job.jobId()).orElseThrow();
            assertEquals(2L, done.counts().get(TaskStatus.SUCCEEDED));
            assertEquals(1L, done.counts().get(TaskStatus.FAILED));
            HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + service.port() + "/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode());
        }
    }

    /**
     * Binary output that caps at 64 KiB a stream but grows past the in-JVM queue's 256 KiB once it is JSON (a
     * byte that is not UTF-8 becomes three): its result message used to be refused and retried for ever.
     */
    @Test
    void anInJvmPoolCarriesAResultLargerThanItsQueueTakes() throws Exception {
        try (SchedulerService service = SchedulerService.start(ServiceOptions.of(dir, Clock.systemUTC(), new ServiceOptions.InJvmPool(1)))) {
            JobView job = service.scheduler().submit(new ByteArrayInputStream(
                    "head -c 300000 /dev/urandom; head -c 300000 /dev/urandom >&2\n".getBytes(StandardCharsets.UTF_8)), "w.txt", Accounts.ADMIN);
            Thread waiter = new Thread(() -> {
                try {
                    service.scheduler().awaitDone(job.jobId());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            waiter.start();
            waiter.join(30_000);
            waiter.interrupt();
            JobView done = service.scheduler().status(job.jobId()).orElseThrow();
            assertEquals(1L, done.counts().get(TaskStatus.SUCCEEDED), "the result came: " + done.counts());
        }
    }

    @Test
    void aTakenPortFailsTheStartAndClosesWhatHadStarted() throws Exception {
        Accounts.Local access = Accounts.local(Clock.systemUTC());
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            ServiceOptions.Http http = ServiceOptions.Http.loopback(access.accounts());
            ServiceOptions options = ServiceOptions.of(dir, Clock.systemUTC(), new ServiceOptions.InJvmPool(1))
                    .withHttp(new ServiceOptions.Http(http.bind(), taken.getLocalPort(), http.limits(), http.transport(), http.accounts()));
            assertThrows(IOException.class, () -> SchedulerService.start(options));
        }
        // the pool's worker threads went with the failed start
        Thread.sleep(200);
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("drover-poll-local-")),
                "no worker thread left");
    }
}
