package dev.drover.scheduler.api;

import java.util.Map;

/** A refusal the client can act on: status and a short message, never internals. */
final class Refusal extends Exception {
    final int status;
    final Map<String, String> headers;

    Refusal(int status, String message, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.headers = headers;
    }

    Refusal(int status, String message) {
        this(status, message, Map.of());
    }

    static Refusal notFound() {
        return new Refusal(404, "no such resource");
    }
}
