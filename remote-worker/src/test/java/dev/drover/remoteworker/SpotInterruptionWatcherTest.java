package dev.drover.remoteworker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.drover.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watcher and {@link InstanceMetadata} against a stand-in IMDSv2 on loopback; {@link InstanceShutdown} too. */
class SpotInterruptionWatcherTest {
    static final String INSTANCE_ID = "i-0123456789abcdef0";
    static final String NOTICE = "{\"action\":\"terminate\",\"time\":\"2026-11-23T10:00:00Z\"}";
    static final Duration INTERVAL = Duration.ofMillis(100);

    final FakeImds imds = new FakeImds();
    final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T09:00:00Z"));
    InstanceMetadata metadata;

    @BeforeEach
    void start() throws IOException {
        imds.start();
        metadata = new InstanceMetadata(imds.uri(), clock);
    }

    @AfterEach
    void stop() {
        imds.server.stop(0);
    }

    @Test
    void theFirstNoticeRunsTheCallbackOnceAndEndsPolling() throws Exception {
        imds.misses.set(3);
        AtomicInteger calls = new AtomicInteger();
        try (SpotInterruptionWatcher watcher = new SpotInterruptionWatcher(metadata, INTERVAL, calls::incrementAndGet)) {
            watcher.start();
            awaitTrue(() -> calls.get() == 1, Duration.ofSeconds(3));
            assertTrue(watcher.noticed());
            int polls = imds.actionRequests.get();
            Thread.sleep(5 * INTERVAL.toMillis());
            assertEquals(1, calls.get(), "exactly once");
            assertEquals(polls, imds.actionRequests.get(), "no polling after the notice");
            assertEquals(4, polls, "three 404s, then the notice");
        }
        assertEquals(0, imds.refused.get(), "every request carried a valid token");
    }

    @Test
    void errorsDoNotStopThePolling() throws Exception {
        imds.failures.set(3); // e.g. the service not up yet
        imds.misses.set(0);
        AtomicInteger calls = new AtomicInteger();
        try (SpotInterruptionWatcher watcher = new SpotInterruptionWatcher(metadata, INTERVAL, calls::incrementAndGet)) {
            watcher.start();
            awaitTrue(() -> calls.get() == 1, Duration.ofSeconds(3));
        }
        assertEquals(4, imds.actionRequests.get());
    }

    @Test
    void noMetadataServiceMeansNoCallbackAndNoCrash() throws Exception {
        imds.server.stop(0);
        AtomicInteger calls = new AtomicInteger();
        try (SpotInterruptionWatcher watcher = new SpotInterruptionWatcher(metadata, INTERVAL, calls::incrementAndGet)) {
            watcher.start();
            Thread.sleep(3 * INTERVAL.toMillis());
            assertFalse(watcher.noticed());
        }
        assertEquals(0, calls.get());
        assertThrows(UncheckedIOException.class, metadata::instanceId);
    }

    @Test
    void aRequestWithoutTheTokenIsRefusedAndTheClientAlwaysSendsIt() throws Exception {
        HttpResponse<String> bare = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(imds.uri().resolve("/latest/meta-data/instance-id")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, bare.statusCode());
        imds.refused.set(0);

        assertEquals(Optional.of(INSTANCE_ID), metadata.instanceId());
        assertEquals(Optional.empty(), metadata.spotInterruption(), "404: no notice");
        assertEquals(1, imds.tokens.get(), "one token for both");
        assertEquals(List.of("21600"), imds.ttls);
        assertEquals(0, imds.refused.get());
    }

    @Test
    void aRevokedTokenIsReplacedOn401() {
        assertEquals(Optional.of(INSTANCE_ID), metadata.instanceId());
        imds.valid.clear();
        assertEquals(Optional.of(INSTANCE_ID), metadata.instanceId());
        assertEquals(2, imds.tokens.get());
        assertEquals(1, imds.refused.get());
    }

    @Test
    void aTokenNearItsExpiryIsRenewedBeforeUse() {
        metadata.instanceId();
        clock.advance(Duration.ofHours(5));
        metadata.instanceId();
        assertEquals(1, imds.tokens.get());
        clock.advance(Duration.ofMinutes(59).plusSeconds(30));
        metadata.instanceId();
        assertEquals(2, imds.tokens.get(), "30 s left: renewed");
        assertEquals(0, imds.refused.get());
    }

    @Test
    void theEndpointComesFromTheEnvironmentLikeFetchConfig() {
        InstanceMetadata fromEnv = InstanceMetadata.fromEnvironment(Map.of("DROVER_IMDS_ENDPOINT", imds.uri().toString()));
        assertEquals(Optional.of(INSTANCE_ID), fromEnv.instanceId());
    }

    @Test
    void powerOffRunsTheCommand(@TempDir Path dir) throws IOException {
        Path ran = dir.resolve("ran");
        new InstanceShutdown(List.of("sh", "-c", "echo powered off > '" + ran + "'")).powerOff();
        assertEquals("powered off\n", Files.readString(ran));
        new InstanceShutdown(List.of("true")).powerOff();
    }

    @Test
    void aFailedPowerOffIsReported() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new InstanceShutdown(List.of("false")).powerOff());
        assertTrue(e.getMessage().contains("exited with 1"), e.getMessage());
        assertThrows(UncheckedIOException.class, () -> new InstanceShutdown(List.of("/nonexistent/shutdown")).powerOff());
    }

    @Test
    void powerOffUsesSudoUnlessRoot() {
        assertEquals(List.of("/usr/sbin/shutdown", "-h", "now"), InstanceShutdown.defaultCommand("root"));
        assertEquals(List.of("sudo", "-n", "/usr/sbin/shutdown", "-h", "now"), InstanceShutdown.defaultCommand("drover"));
    }

    static void awaitTrue(BooleanSupplier condition, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "not within " + within);
            Thread.sleep(10);
        }
    }

    /** IMDSv2 as the client sees it: tokens from a PUT, 401 for a GET without a valid one. */
    static final class FakeImds {
        HttpServer server;
        final Set<String> valid = ConcurrentHashMap.newKeySet();
        final List<String> ttls = new CopyOnWriteArrayList<>();
        final AtomicInteger tokens = new AtomicInteger();
        final AtomicInteger refused = new AtomicInteger();
        final AtomicInteger actionRequests = new AtomicInteger();
        /** instance-action answers 500 this many times first, */
        final AtomicInteger failures = new AtomicInteger();
        /** then 404 (no notice) this many times, then the notice. */
        final AtomicInteger misses = new AtomicInteger(Integer.MAX_VALUE);

        void start() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/latest/api/token", exchange -> {
                String ttl = exchange.getRequestHeaders().getFirst("X-aws-ec2-metadata-token-ttl-seconds");
                if (!"PUT".equals(exchange.getRequestMethod()) || ttl == null) {
                    respond(exchange, 400, "");
                    return;
                }
                ttls.add(ttl);
                String token = "token-" + tokens.incrementAndGet();
                valid.add(token);
                respond(exchange, 200, token);
            });
            server.createContext("/latest/meta-data/instance-id", exchange -> {
                if (authorized(exchange)) {
                    respond(exchange, 200, INSTANCE_ID);
                }
            });
            server.createContext("/latest/meta-data/spot/instance-action", exchange -> {
                if (!authorized(exchange)) {
                    return;
                }
                actionRequests.incrementAndGet();
                if (countDown(failures)) {
                    respond(exchange, 500, "");
                } else if (countDown(misses)) {
                    respond(exchange, 404, "");
                } else {
                    respond(exchange, 200, NOTICE);
                }
            });
            server.start();
        }

        /** True, and one less, while {@code counter} is above zero. */
        private static boolean countDown(AtomicInteger counter) {
            return counter.getAndUpdate(c -> Math.max(0, c - 1)) > 0;
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        }

        private boolean authorized(HttpExchange exchange) throws IOException {
            if (!"GET".equals(exchange.getRequestMethod())
                    || !valid.contains(String.valueOf(exchange.getRequestHeaders().getFirst("X-aws-ec2-metadata-token")))) {
                refused.incrementAndGet();
                respond(exchange, 401, "");
                return false;
            }
            return true;
        }

        static void respond(HttpExchange exchange, int status, String body) throws IOException {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                exchange.getResponseBody().write(bytes);
            }
            exchange.close();
        }
    }

}
