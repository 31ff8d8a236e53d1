package dev.drover.scheduler.api;

import static dev.drover.scheduler.api.Replies.allow;
import static dev.drover.scheduler.api.Replies.json;
import static dev.drover.scheduler.api.Replies.usd;

import com.sun.net.httpserver.HttpExchange;
import dev.drover.core.port.User;
import dev.drover.scheduler.auth.Accounts;
import dev.drover.scheduler.auth.Sessions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code /users}, for admins: list, add (with a weight and a monthly budget), change a weight, remove. */
final class UsersResource implements Resource {
    private final Accounts accounts;
    private final Sessions sessions;

    UsersResource(Accounts accounts, Sessions sessions) {
        this.accounts = accounts;
        this.sessions = sessions;
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route("GET", "/users"), new Route("POST", "/users"), new Route("PATCH", "/users/{name}"),
                new Route("DELETE", "/users/{name}"));
    }

    @Override
    public void handle(HttpExchange ex, String method, List<String> path, Map<String, String> query, User user) throws Exception {
        if (path.size() > 2) {
            throw Refusal.notFound();
        }
        allow(method, path.size() == 1 ? new String[] {"GET", "POST"} : new String[] {"DELETE", "PATCH"});
        if (!user.admin()) {
            throw new Refusal(403, "only an admin manages users");
        }
        if (path.size() == 2 && method.equals("PATCH")) {
            String name = path.get(1);
            int weight = weight(query);
            if (!accounts.setWeight(name, weight)) {
                throw new Refusal(404, "no such user");
            }
            json(ex, 200, Map.of("name", name, "weight", weight));
        } else if (path.size() == 2) {
            String name = path.get(1);
            if (name.equals(user.name())) {
                throw new Refusal(400, "you cannot remove yourself");
            }
            if (!accounts.remove(name)) {
                throw new Refusal(404, "no such user");
            }
            sessions.endUser(name); // their browsers and unused sign-in links stop working now, not in 12 h
            json(ex, 200, Map.of("name", name, "removed", true));
        } else if (method.equals("GET")) {
            json(ex, 200, accounts.list());
        } else {
            add(ex, query);
        }
    }

    private void add(HttpExchange ex, Map<String, String> query) throws Exception {
        String name = query.get("name");
        boolean admin = Requests.bool(query.get("admin"), "admin");
        Double monthlyBudget = query.containsKey("monthlyBudget") ? usd(query.get("monthlyBudget"), "monthlyBudget") : null;
        int weight = query.containsKey("weight") ? weight(query) : User.DEFAULT_WEIGHT;
        String token;
        try {
            token = accounts.add(name, admin, weight, monthlyBudget);
        } catch (IllegalArgumentException e) {
            throw new Refusal(400, e.getMessage());
        } catch (IllegalStateException e) {
            throw new Refusal(409, "that user exists");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("admin", admin);
        body.put("weight", weight);
        if (monthlyBudget != null) {
            body.put("monthlyBudgetUsd", monthlyBudget);
        }
        body.put("token", token);
        json(ex, 201, body);
    }

    /** The {@code weight} a request names: 1 to {@link User#MAX_WEIGHT}. */
    private static int weight(Map<String, String> query) throws Refusal {
        String w = query.get("weight");
        if (w == null) {
            throw new Refusal(400, "weight: required, a whole number from 1 to " + User.MAX_WEIGHT);
        }
        long n = Requests.number(w, "weight");
        if (n < 1 || n > User.MAX_WEIGHT) {
            throw new Refusal(400, "weight: a whole number from 1 to " + User.MAX_WEIGHT);
        }
        return (int) n;
    }
}
