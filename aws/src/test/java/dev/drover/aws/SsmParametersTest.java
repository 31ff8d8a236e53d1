package dev.drover.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.drover.core.codec.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * The SSM adapter through the real SDK. There is no SSM emulator on this machine (no Docker, no
 * moto), so the SDK talks to a tiny in-test server that speaks just enough of SSM's JSON protocol
 * for PutParameter: the one mock this project allows itself here. It records what the SDK sent and,
 * like SSM, refuses to overwrite a parameter unless asked to.
 */
class SsmParametersTest {
    record Call(String target, JsonNode body, String authorization) {}

    final List<Call> calls = new CopyOnWriteArrayList<>();
    final Map<String, String> parameters = new ConcurrentHashMap<>();
    HttpServer server;
    SsmClient ssm;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::serve);
        server.start();
        ssm = SsmClient.builder().region(Region.EU_WEST_1)
                .endpointOverride(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
                .build();
    }

    @AfterEach
    void stop() {
        ssm.close();
        server.stop(0);
    }

    private void serve(HttpExchange exchange) throws IOException {
        JsonNode body = Json.MAPPER.readTree(exchange.getRequestBody());
        String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
        calls.add(new Call(target, body, exchange.getRequestHeaders().getFirst("Authorization")));
        String name = body.path("Name").asText();
        boolean exists = parameters.containsKey(name);
        int status;
        String answer;
        if (!"AmazonSSM.PutParameter".equals(target)) {
            status = 400;
            answer = "{\"__type\":\"InvalidAction\",\"message\":\"not served here\"}";
        } else if (exists && !body.path("Overwrite").asBoolean(false)) {
            status = 400;
            answer = "{\"__type\":\"ParameterAlreadyExists\",\"message\":\"The parameter already exists.\"}";
        } else {
            parameters.put(name, body.path("Value").asText());
            status = 200;
            answer = "{\"Version\":1,\"Tier\":\"Standard\"}";
        }
        byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Test
    void theAdminTokenGoesAsANewSecureStringThatIsNeverOverwritten() throws IOException {
        new SsmParameters(ssm).createSecure("/drover/Drover/admin-token", "tok-123");

        assertEquals(1, calls.size());
        Call call = calls.get(0);
        assertEquals("AmazonSSM.PutParameter", call.target());
        assertEquals("/drover/Drover/admin-token", call.body().path("Name").asText());
        assertEquals("SecureString", call.body().path("Type").asText());
        assertEquals("tok-123", call.body().path("Value").asText());
        assertTrue(call.body().has("Overwrite"), "Overwrite sent explicitly: " + call.body());
        assertFalse(call.body().path("Overwrite").asBoolean(true));
        assertTrue(call.authorization().contains("/eu-west-1/ssm/aws4_request"), "signed for SSM: " + call.authorization());
    }

    @Test
    void aSecondFirstStartDoesNotReplaceTheTokenAndSaysWhy() throws IOException {
        SsmParameters parameters = new SsmParameters(ssm);
        parameters.createSecure("/drover/x/admin-token", "first");

        IOException e = assertThrows(IOException.class, () -> parameters.createSecure("/drover/x/admin-token", "second"));

        assertEquals("first", this.parameters.get("/drover/x/admin-token"));
        assertTrue(e.getMessage().contains("/drover/x/admin-token already exists; it is not overwritten"), e.getMessage());
        assertFalse(e.getMessage().contains("second"), "never the value");
    }

    @Test
    void theFingerprintIsAPlainStringReplacedOnEveryStart() throws IOException {
        SsmParameters parameters = new SsmParameters(ssm);
        parameters.putString("/drover/x/tls-fingerprint", "aa".repeat(32));
        parameters.putString("/drover/x/tls-fingerprint", "bb".repeat(32));

        assertEquals("bb".repeat(32), this.parameters.get("/drover/x/tls-fingerprint"));
        assertEquals("String", calls.get(1).body().path("Type").asText());
        assertTrue(calls.get(1).body().path("Overwrite").asBoolean());
    }
}
