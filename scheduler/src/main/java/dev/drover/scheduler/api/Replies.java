package dev.drover.scheduler.api;

import com.sun.net.httpserver.HttpExchange;
import dev.drover.core.codec.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** How every handler answers: JSON bodies, errors as {@code {"error": ...}}, 405 with {@code Allow}. */
final class Replies {
    private static final Logger log = LoggerFactory.getLogger(Replies.class);

    private Replies() {}

    static void json(HttpExchange ex, int code, Object value) throws IOException {
        byte[] bytes = Json.write(value).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.sendResponseHeaders(code, -1);
            return;
        }
        ex.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Answers with an error, if the response has not begun; a client that has gone is let go. */
    static void refuse(HttpExchange ex, Refusal r) {
        if (ex.getResponseCode() > 0) {
            return; // headers already sent: the client sees a cut stream
        }
        try {
            r.headers.forEach((k, v) -> ex.getResponseHeaders().set(k, v));
            json(ex, r.status, Map.of("error", r.getMessage()));
        } catch (IOException | RuntimeException e) {
            log.debug("could not send {}: {}", r.status, e.toString());
        }
    }

    static void allow(String method, String... allowed) throws Refusal {
        for (String a : allowed) {
            if (a.equals(method)) {
                return;
            }
        }
        throw new Refusal(405, "method not allowed", Map.of("Allow", String.join(", ", allowed)));
    }

    /** A dollar amount in a query: a finite number, 0 or more. */
    static double usd(String text, String what) throws Refusal {
        try {
            double v = Double.parseDouble(text == null ? "" : text.strip());
            if (Double.isFinite(v) && v >= 0 && v < 1e12 && !text.strip().matches(".*[a-zA-Z].*")) {
                return v;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new Refusal(400, what + ": a number of US dollars, 0 or more (e.g. 2.50)");
    }
}
