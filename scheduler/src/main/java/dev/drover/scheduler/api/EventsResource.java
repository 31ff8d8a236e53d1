package dev.drover.scheduler.api;

import static dev.drover.scheduler.api.Replies.allow;
import static dev.drover.scheduler.api.Replies.json;

import com.sun.net.httpserver.HttpExchange;
import dev.drover.core.port.User;
import java.util.List;
import java.util.Map;

/**
 * The dashboard's data: GET /events[?job=ID] (server-sent events: a snapshot, then deltas; a stream,
 * from the streams' budget) and GET /dashboard/jobs/{id} (one job's detail). Registered under both names.
 */
final class EventsResource implements Resource {
    private final Dashboard dashboard;
    private final StreamBudget streams;

    EventsResource(Dashboard dashboard, StreamBudget streams) {
        this.dashboard = dashboard;
        this.streams = streams;
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route("GET", "/events"), new Route("GET", "/dashboard/jobs/{id}"));
    }

    static boolean isStream(List<String> path) {
        return path.equals(List.of("events"));
    }

    @Override
    public void handle(HttpExchange ex, String method, List<String> path, Map<String, String> query, User user) throws Exception {
        if (path.get(0).equals("dashboard")) {
            if (path.size() != 3 || !path.get(1).equals("jobs")) {
                throw Refusal.notFound();
            }
            allow(method, "GET");
            json(ex, 200, dashboard.detail(path.get(2), user).orElseThrow(() -> new Refusal(404, "no such job")));
            return;
        }
        if (path.size() != 1) {
            throw Refusal.notFound();
        }
        allow(method, "GET");
        try (StreamBudget.Permit held = streams.acquire(user.name())) {
            String job = query.get("job");
            dashboard.stream(ex, user, job == null || job.isEmpty() ? null : job);
        }
    }
}
