package dev.drover.cli.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.drover.core.codec.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An HTTP proxy in front of ElasticMQ that speaks the SDK's SQS JSON protocol
 * ({@code X-Amz-Target: AmazonSQS.<Action>}) and, when armed, misbehaves the way SQS is allowed to:
 * it sends every SendMessage(Batch) twice, so each message exists twice, or it rewrites every
 * ChangeMessageVisibility(Batch) timeout to 0, so messages reappear while their tasks run.
 * ElasticMQ does not check signatures, so a rewritten body is still accepted.
 */
final class SqsTamperProxy implements AutoCloseable {
    enum Tamper { DUPLICATE_SENDS, EXPIRE_VISIBILITY }

    /** Headers the JDK client sets itself and refuses from callers. */
    private static final Set<String> HOP_HEADERS = Set.of("host", "content-length", "connection", "expect", "upgrade",
            "date", "via", "warning", "from", "transfer-encoding");
    private static final String TARGET_PREFIX = "AmazonSQS.";

    private final Tamper tamper;
    private final URI upstream;
    private final HttpServer server;
    private final ExecutorService threads;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicLong tampered = new AtomicLong();
    private volatile boolean armed;

    SqsTamperProxy(Tamper tamper, URI upstream) throws IOException {
        this.tamper = tamper;
        this.upstream = upstream;
        AtomicInteger n = new AtomicInteger();
        this.threads = Executors.newFixedThreadPool(32, r -> {
            Thread t = new Thread(r, "chaos-sqs-proxy-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Off: a plain pass-through (the baseline runs through the same hop). */
    void arm(boolean on) {
        armed = on;
    }

    /** How many calls were duplicated or rewritten. */
    long tampered() {
        return tampered.get();
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            String action = String.valueOf(ex.getRequestHeaders().getFirst("X-Amz-Target")).replace(TARGET_PREFIX, "");
            boolean tamperThis = armed && switch (tamper) {
                case DUPLICATE_SENDS -> action.equals("SendMessage") || action.equals("SendMessageBatch");
                case EXPIRE_VISIBILITY -> action.equals("ChangeMessageVisibility") || action.equals("ChangeMessageVisibilityBatch");
            };
            if (tamperThis && tamper == Tamper.EXPIRE_VISIBILITY) {
                body = zeroVisibility(body);
            }
            HttpResponse<byte[]> response = forward(ex, body);
            if (tamperThis) {
                tampered.incrementAndGet();
                if (tamper == Tamper.DUPLICATE_SENDS && response.statusCode() == 200) {
                    forward(ex, body); // the copy's answer is dropped: the sender believes it sent once
                }
            }
            response.headers().map().forEach((name, values) -> {
                if (!HOP_HEADERS.contains(name.toLowerCase()) && !name.startsWith(":")) {
                    ex.getResponseHeaders().put(name, values);
                }
            });
            byte[] reply = response.body();
            ex.sendResponseHeaders(response.statusCode(), reply.length == 0 ? -1 : reply.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(reply);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            ex.sendResponseHeaders(502, -1); // ElasticMQ unreachable: the SDK retries, as on any 5xx
        } finally {
            ex.close();
        }
    }

    private HttpResponse<byte[]> forward(HttpExchange ex, byte[] body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(upstream.resolve(ex.getRequestURI().toString()))
                .timeout(Duration.ofSeconds(60))
                .method(ex.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
        for (Map.Entry<String, List<String>> header : ex.getRequestHeaders().entrySet()) {
            if (!HOP_HEADERS.contains(header.getKey().toLowerCase())) {
                header.getValue().forEach(v -> request.header(header.getKey(), v));
            }
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** {"VisibilityTimeout": n} → 0, at the top level (single) and in every entry (batch). */
    static byte[] zeroVisibility(byte[] body) throws IOException {
        JsonNode root = Json.MAPPER.readTree(body);
        if (root instanceof ObjectNode single && single.has("VisibilityTimeout")) {
            single.put("VisibilityTimeout", 0);
        }
        for (JsonNode entry : root.path("Entries")) {
            if (entry instanceof ObjectNode e) {
                e.put("VisibilityTimeout", 0);
            }
        }
        return Json.MAPPER.writeValueAsBytes(root);
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
