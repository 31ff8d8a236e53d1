package dev.drover.scheduler.api;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.drover.core.codec.Json;
import dev.drover.core.files.FilesException;
import dev.drover.core.files.FilesPack;
import dev.drover.core.workload.WorkloadException;
import dev.drover.scheduler.Scheduler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler's HTTP/JSON API, on the JDK's own server (no extra dependency; it streams
 * request and response bodies, which is all Drover needs):
 * <pre>
 * POST /jobs?name=N&amp;owner=O[&amp;files=SHA] body: the workload → 201 job | 400 {error, source, line, reason}
 * GET  /jobs/J/outputs/SEQ/PATH       → 200 the file a task left in its output directory | 404
 * GET  /files/SHA                      → 200 if the payload store holds that files pack | 404
 * PUT  /files/SHA                      body: the pack (tar.gz)   → 201 stored | 200 already there | 400 bad pack
 * GET  /jobs                                                    → [job]
 * GET  /jobs/{id}                                               → job (counts per status, cost)
 * GET  /jobs/{id}/tasks/{seq}                                   → {status, result}
 * GET  /jobs/{id}/results[?follow=true]                         → JSON lines, one result a task
 * POST /jobs/{id}/cancel                                        → job
 * GET  /fleet                                                   → the provisioner's view
 * </pre>
 */
public final class HttpApi implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpApi.class);
    private static final Pattern OUTPUT = Pattern.compile("/jobs/([^/]+)/outputs/(\\d+)/(.+)");
    private static final Pattern JOB = Pattern.compile("/jobs/([^/]+)(/tasks/(\\d+)|/results|/cancel)?/?");

    private final HttpServer server;
    private final ExecutorService executor;
    private final Scheduler scheduler;
    private final FleetView fleet;

    /** What the fleet looks like now, for {@code GET /fleet}; empty for the in-JVM pool. */
    public interface FleetView {
        Object snapshot();
    }

    public HttpApi(Scheduler scheduler, String host, int port, FleetView fleet) throws IOException {
        this.scheduler = scheduler;
        this.fleet = fleet;
        this.server = HttpServer.create(new InetSocketAddress(host, port), 256);
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "drover-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    public HttpApi start() {
        server.start();
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            Map<String, String> query = query(ex.getRequestURI().getRawQuery());
            if (path.equals("/jobs") || path.equals("/jobs/")) {
                if (method.equals("POST")) {
                    submit(ex, query);
                } else {
                    json(ex, 200, scheduler.list());
                }
                return;
            }
            if (path.equals("/fleet")) {
                json(ex, 200, fleet.snapshot());
                return;
            }
            if (path.startsWith("/files/")) {
                files(ex, method, path.substring("/files/".length()));
                return;
            }
            if (path.equals("/health")) {
                json(ex, 200, Map.of("status", "ok"));
                return;
            }
            Matcher o = OUTPUT.matcher(path);
            if (o.matches()) {
                output(ex, o.group(1), Long.parseLong(o.group(2)), o.group(3));
                return;
            }
            Matcher m = JOB.matcher(path);
            if (!m.matches()) {
                error(ex, 404, "no such resource: " + path);
                return;
            }
            String jobId = m.group(1);
            String sub = m.group(2) == null ? "" : m.group(2);
            Optional<?> answer;
            if (sub.startsWith("/tasks/")) {
                answer = scheduler.task(jobId, Long.parseLong(m.group(3)));
            } else if (sub.equals("/results")) {
                ex.getResponseHeaders().set("Content-Type", "application/x-ndjson");
                if (scheduler.status(jobId).isEmpty()) {
                    error(ex, 404, "no such job: " + jobId);
                    return;
                }
                ex.sendResponseHeaders(200, 0);
                scheduler.streamResults(jobId, ex.getResponseBody(), Boolean.parseBoolean(query.get("follow")));
                return;
            } else if (sub.equals("/cancel")) {
                answer = method.equals("POST") ? scheduler.cancel(jobId) : Optional.empty();
            } else {
                answer = scheduler.status(jobId);
            }
            if (answer.isPresent()) {
                json(ex, 200, answer.get());
            } else {
                error(ex, 404, "no such job or task: " + path);
            }
        } catch (WorkloadException e) {
            log.error("unexpected workload error", e);
        } catch (IOException e) {
            log.debug("client went away: {}", e.toString());
        } catch (RuntimeException e) {
            log.error("request failed", e);
            try {
                error(ex, 500, e.toString());
            } catch (IOException | RuntimeException ignored) {
                // headers were already sent: the client sees a cut stream
            }
        }
    }

    private void submit(HttpExchange ex, Map<String, String> query) throws IOException {
        String name = query.getOrDefault("name", "workload");
        try {
            json(ex, 201, scheduler.submit(ex.getRequestBody(), name, query.getOrDefault("owner", ""), query.get("files")));
        } catch (WorkloadException e) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("error", e.getMessage());
            body.put("source", e.source());
            body.put("line", e.line());
            body.put("reason", e.reason());
            json(ex, 400, body);
        }
    }

    /** GET /jobs/JOB/outputs/SEQ/PATH: one output file of a task, streamed from the payload store. */
    private void output(HttpExchange ex, String jobId, long seq, String path) throws IOException {
        Optional<InputStream> in = scheduler.openOutput(jobId, seq, path);
        if (in.isEmpty()) {
            error(ex, 404, "no output " + path + " of task " + seq + " of job " + jobId);
            return;
        }
        ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
        ex.sendResponseHeaders(200, 0);
        try (InputStream body = in.get(); OutputStream out = ex.getResponseBody()) {
            body.transferTo(out);
        }
    }

    /** The most a files pack may weigh here, whatever the client's own limit. */
    static final long MAX_FILES_PACK_BYTES = 16L << 30;

    /** GET /files/SHA: 200 if the store has the pack, 404 if not; PUT /files/SHA: stores it unless it is there. */
    private void files(HttpExchange ex, String method, String sha256) throws IOException {
        if (!FilesPack.isSha256(sha256)) {
            error(ex, 400, "not a SHA-256 (64 lower-case hex digits): " + sha256);
            return;
        }
        if (method.equals("PUT")) {
            try {
                boolean uploaded = scheduler.putFiles(sha256, ex.getRequestBody(), MAX_FILES_PACK_BYTES);
                json(ex, uploaded ? 201 : 200, Map.of("sha256", sha256, "uploaded", uploaded));
            } catch (FilesException e) {
                error(ex, 400, e.getMessage());
            }
        } else if (scheduler.hasFiles(sha256)) {
            json(ex, 200, Map.of("sha256", sha256));
        } else {
            error(ex, 404, "no files pack " + sha256);
        }
    }

    private static void error(HttpExchange ex, int code, String message) throws IOException {
        json(ex, code, Map.of("error", message));
    }

    private static void json(HttpExchange ex, int code, Object value) throws IOException {
        byte[] bytes = Json.write(value).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    q.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return q;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
