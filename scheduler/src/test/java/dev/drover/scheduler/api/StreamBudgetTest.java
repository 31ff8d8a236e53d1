package dev.drover.scheduler.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.codec.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Streams (/events, results?follow=true) have their own budget: per user 429, in total 503; nothing else is starved. */
class StreamBudgetTest {
    @TempDir
    Path dir;

    @Test
    void oneUsersStreamsCannotTakeTheServerAndOverTheBudgetTheyAreToldWhy() throws Exception {
        HttpApi.Limits limits = new HttpApi.Limits(1 << 20, 4, 0, 6, 4);
        try (ApiFixture f = new ApiFixture(dir, limits); Streams held = new Streams()) {
            String job = f.scheduler.submit(new ByteArrayInputStream("sleep 60000\n".getBytes()), "w", "ann").jobId();
            // ann holds her 4: two dashboards and two followed results, more than the 4 request permits
            held.open(f.port(), "/events", f.annToken);
            held.open(f.port(), "/events", f.annToken);
            held.open(f.port(), "/jobs/" + job + "/results?follow=true", f.annToken);
            held.open(f.port(), "/jobs/" + job + "/results?follow=true", f.annToken);
            RawHttp.Response fifth = get(f.port(), "/events", f.annToken);
            assertEquals(429, fifth.status(), fifth.body());
            assertTrue(Json.MAPPER.readTree(fifth.body()).get("error").asText().contains("4 live streams"), fifth.body());
            assertEquals("5", fifth.header("Retry-After"));
            // everything else is still served
            assertEquals(200, get(f.port(), "/health", null).status());
            assertEquals(200, get(f.port(), "/jobs", f.annToken).status());
            // bob takes the last 2 of the 6 in all; then the server is full for everyone
            held.open(f.port(), "/events", f.bobToken);
            held.open(f.port(), "/events", f.bobToken);
            RawHttp.Response full = get(f.port(), "/events", f.adminToken);
            assertEquals(503, full.status(), full.body());
            assertTrue(Json.MAPPER.readTree(full.body()).get("error").asText().contains("6 live streams"), full.body());
            assertEquals(200, get(f.port(), "/health", null).status());
            // a stream that ends gives its place back: cancelling the job ends both followers
            assertEquals(200, RawHttp.exchange(f.port(), "POST /jobs/" + job + "/cancel HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                    + f.annToken + "\r\n", new byte[0], 5000).status());
            Socket again = null;
            for (int i = 0; i < 100 && again == null; i++) {
                again = held.tryOpen(f.port(), "/events", f.adminToken);
                if (again == null) {
                    Thread.sleep(50);
                }
            }
            assertTrue(again != null, "the place came back");
        }
    }

    static RawHttp.Response get(int port, String path, String token) throws IOException {
        return RawHttp.exchange(port, "GET " + path + " HTTP/1.1\r\nHost: x\r\n" + (token == null ? "" : "Authorization: Bearer " + token + "\r\n"),
                new byte[0], 5000);
    }

    /** Streams held open, each having had its 200. */
    static final class Streams implements AutoCloseable {
        final List<Socket> sockets = new ArrayList<>();

        void open(int port, String path, String token) throws IOException {
            assertTrue(tryOpen(port, path, token) != null, "stream " + path + " opened");
        }

        Socket tryOpen(int port, String path, String token) throws IOException {
            Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
            s.setSoTimeout(5000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            byte[] head = s.getInputStream().readNBytes(12);
            if (!new String(head, StandardCharsets.US_ASCII).equals("HTTP/1.1 200")) {
                s.close();
                return null;
            }
            sockets.add(s);
            return s;
        }

        @Override
        public void close() throws IOException {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }
}
