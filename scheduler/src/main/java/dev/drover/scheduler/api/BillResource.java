package dev.drover.scheduler.api;

import static dev.drover.scheduler.api.Replies.allow;
import static dev.drover.scheduler.api.Replies.json;

import com.sun.net.httpserver.HttpExchange;
import dev.drover.core.port.User;
import dev.drover.scheduler.billing.Bill;
import dev.drover.scheduler.billing.Billing;
import dev.drover.scheduler.billing.Since;
import java.util.List;
import java.util.Map;

/**
 * GET /bill[?user=U&amp;since=DATE]: a user's own bill, an admin's of everyone (or of {@code user});
 * a user asking for another's gets 403, since their own name is no secret to them and the refusal says why.
 */
final class BillResource implements Resource {
    private final Billing billing;
    private final Everywhere everywhere;

    /** The bill as the caller should see it, from this replica's {@code here}: with other replicas' jobs, if any. */
    interface Everywhere {
        Bill of(HttpExchange ex, User user, Bill here);
    }

    BillResource(Billing billing, Everywhere everywhere) {
        this.billing = billing;
        this.everywhere = everywhere;
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route("GET", "/bill"));
    }

    @Override
    public void handle(HttpExchange ex, String method, List<String> path, Map<String, String> query, User user) throws Exception {
        if (path.size() != 1) {
            throw Refusal.notFound();
        }
        allow(method, "GET");
        String who = query.get("user");
        if (who != null && who.isEmpty()) {
            who = null;
        }
        if (!user.admin()) {
            if (who != null && !who.equals(user.name())) {
                throw new Refusal(403, "only an admin sees another user's bill");
            }
            who = user.name();
        }
        long since;
        try {
            since = Since.parse(query.get("since"));
        } catch (IllegalArgumentException e) {
            throw new Refusal(400, e.getMessage());
        }
        json(ex, 200, everywhere.of(ex, user, billing.bill(who, since)));
    }
}
