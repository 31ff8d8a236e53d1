package dev.drover.amibuild;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fetch-config.sh against a stand-in for the instance metadata service (IMDSv2) on loopback. */
class FetchConfigTest {
    static final String TOKEN = "token-123";

    static HttpServer imds;
    /** The user data the fake IMDS serves; null answers 404 as for an instance without user data. */
    static final AtomicReference<String> userData = new AtomicReference<>();

    @TempDir
    Path dir;

    @BeforeAll
    static void startImds() throws IOException {
        imds = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        imds.createContext("/latest/api/token", exchange -> {
            boolean ok = exchange.getRequestMethod().equals("PUT")
                    && exchange.getRequestHeaders().getFirst("X-aws-ec2-metadata-token-ttl-seconds") != null;
            respond(exchange, ok ? 200 : 400, ok ? TOKEN : "");
        });
        imds.createContext("/latest/user-data", exchange -> {
            String body = userData.get();
            if (!TOKEN.equals(exchange.getRequestHeaders().getFirst("X-aws-ec2-metadata-token"))) {
                respond(exchange, 401, "");
            } else if (body == null) {
                respond(exchange, 404, "");
            } else {
                respond(exchange, 200, body);
            }
        });
        imds.start();
    }

    @AfterAll
    static void stopImds() {
        imds.stop(0);
    }

    @Test
    void writesTheEnvLinesOfTheUserData() throws IOException {
        userData.set("# drover worker\r\nDROVER_REQUEST_QUEUE_URL=https://sqs.eu-west-1.amazonaws.com/1/q\r\n\r\n"
                + "DROVER_IDLE_TIMEOUT=2m\r\nAWS_REGION=eu-west-1\r\nnot a setting\r\n");
        Path out = dir.resolve("worker.env");
        Shell.Result result = fetch(out.toString());
        assertEquals(0, result.exitCode(), result.output());
        assertEquals("DROVER_REQUEST_QUEUE_URL=https://sqs.eu-west-1.amazonaws.com/1/q\nDROVER_IDLE_TIMEOUT=2m\n"
                + "AWS_REGION=eu-west-1\n", Files.readString(out));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(out)),
                "the worker's settings are its own: a task (another user) cannot read them");
        assertEquals(List.of(out), Files.list(dir).toList(), "no temporary file left behind");
    }

    @Test
    void aWorkerEnvFileMakesAWorkerHost() {
        userData.set("DROVER_BUCKET=b\nAWS_REGION=eu-west-1\n");
        assertEquals(0, fetch("--check").exitCode());
    }

    @Test
    void aScriptCloudConfigOrNoUserDataIsNotAWorkerHost() {
        for (String notEnv : new String[] {"#!/bin/bash\ncat > /etc/drover/scheduler.env <<'E'\nDROVER_BUCKET=b\nE\n",
                "#cloud-config\nruncmd: []\n", "", "\n\n"}) {
            userData.set(notEnv);
            Shell.Result result = fetch("--check");
            assertEquals(1, result.exitCode(), "skip, not fail, for: " + notEnv);
        }
        userData.set(null);
        assertEquals(1, fetch("--check").exitCode(), "no user data at all");
    }

    @Test
    void refusesToWriteAnEmptyConfiguration() {
        userData.set("#!/bin/bash\necho hello\n");
        Path out = dir.resolve("worker.env");
        assertEquals(1, fetch(out.toString()).exitCode());
        assertFalse(Files.exists(out));
    }

    @Test
    void anUnreachableMetadataServiceIsAFailureNotASkip() throws IOException {
        int closedPort;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        Shell.Result result = Shell.run(List.of("bash", "fetch-config.sh", "--check"),
                Map.of("DROVER_IMDS_ENDPOINT", "http://127.0.0.1:" + closedPort));
        assertEquals(255, result.exitCode(), result.output());
    }

    @Test
    void rejectsBadArguments() {
        assertEquals(2, Shell.run(List.of("bash", "fetch-config.sh"), Map.of()).exitCode());
        assertEquals(2, Shell.run(List.of("bash", "fetch-config.sh", "--nope"), endpoint()).exitCode());
    }

    static Shell.Result fetch(String argument) {
        Shell.Result result = Shell.run(List.of("bash", "fetch-config.sh", argument), endpoint());
        assertTrue(result.exitCode() != 255, "IMDS stand-in unreachable: " + result.output());
        return result;
    }

    static Map<String, String> endpoint() {
        return Map.of("DROVER_IMDS_ENDPOINT", "http://127.0.0.1:" + imds.getAddress().getPort());
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
