package dev.drover.scheduler.api;

/**
 * One route a handler serves, as {@code docs/api.yaml} names it: {@code GET /jobs/{id}}. The route
 * table's handlers declare theirs, so a test can hold the document to what is served.
 */
public record Route(String method, String path) {
    @Override
    public String toString() {
        return method + " " + path;
    }
}
