package dev.drover.scheduler.api;

import static dev.drover.scheduler.api.Replies.allow;
import static dev.drover.scheduler.api.Replies.json;

import com.sun.net.httpserver.HttpExchange;
import dev.drover.core.port.User;
import java.util.List;
import java.util.Map;

/** GET /fleet: the provisioner's view of the fleet; {@code {}} for the in-JVM pool. */
final class FleetResource implements Resource {
    private final HttpApi.FleetView fleet;

    FleetResource(HttpApi.FleetView fleet) {
        this.fleet = fleet;
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route("GET", "/fleet"));
    }

    @Override
    public void handle(HttpExchange ex, String method, List<String> path, Map<String, String> query, User user) throws Exception {
        if (path.size() != 1) {
            throw Refusal.notFound();
        }
        allow(method, "GET");
        json(ex, 200, fleet.snapshot());
    }
}
