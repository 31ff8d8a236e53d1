package dev.drover.scheduler.api;

import static dev.drover.scheduler.api.Replies.allow;

import com.sun.net.httpserver.HttpExchange;
import dev.drover.core.port.User;
import dev.drover.scheduler.Engine;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** GET /metrics: the scheduler's figures in the Prometheus text format. */
final class MetricsResource implements Resource {
    private final Engine scheduler;

    MetricsResource(Engine scheduler) {
        this.scheduler = scheduler;
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route("GET", "/metrics"));
    }

    @Override
    public void handle(HttpExchange ex, String method, List<String> path, Map<String, String> query, User user) throws Exception {
        if (path.size() != 1) {
            throw Refusal.notFound();
        }
        allow(method, "GET");
        byte[] bytes = scheduler.metrics().scrape().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        ex.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
