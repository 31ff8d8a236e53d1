package dev.drover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A replica answers 503 with Retry-After while the owner of the job asked about is being replaced: a read
 * waits and asks again (through every address) instead of failing; a call that may not be repeated does not.
 */
class SchedulerClientUnavailableTest {
    HttpServer server;
    final AtomicInteger asked = new AtomicInteger();

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    /** A replica that answers 503 (Retry-After: 1) to the first {@code refusals} requests, then {@code []}. */
    String replica(int refusals) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            boolean refuse = asked.incrementAndGet() <= refusals;
            byte[] body = (refuse ? "{\"error\":\"job j1's replica does not answer\"}" : "[]").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            if (refuse) {
                ex.getResponseHeaders().set("Retry-After", "1");
            }
            ex.sendResponseHeaders(refuse ? 503 : 200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    static String deadAddress() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return "127.0.0.1:" + s.getLocalPort(); // closed again: connections are refused
        }
    }

    @Test
    void aReadWaitsOutTheTakeoverOnTheNextReplica() throws Exception {
        String live = replica(2);
        SchedulerClient client = new SchedulerClient(deadAddress() + "," + live, "token");
        assertTrue(client.jobs().isEmpty());
        assertEquals(3, asked.get(), "two refusals, then the answer");
    }

    @Test
    void aCallThatMayNotBeRepeatedIsRefusedAtOnce() throws Exception {
        String live = replica(5);
        SchedulerClient client = new SchedulerClient(live, "token");
        SchedulerClient.ApiException refused = assertThrows(SchedulerClient.ApiException.class, () -> client.rerun("j1", "failed"));
        assertEquals(503, refused.status);
        assertEquals(1, asked.get());
    }
}
