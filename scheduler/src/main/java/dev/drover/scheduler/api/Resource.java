package dev.drover.scheduler.api;

import com.sun.net.httpserver.HttpExchange;
import dev.drover.core.port.User;
import java.util.List;
import java.util.Map;

/**
 * The handler of one resource of the API, the first segment of its paths ({@code jobs}, {@code users},
 * ...): it answers every request under it, for a user already authenticated.
 */
interface Resource {
    /** The routes it serves. */
    List<Route> routes();

    /** @param path the path's segments, the resource's own name first */
    void handle(HttpExchange ex, String method, List<String> path, Map<String, String> query, User user) throws Exception;
}
