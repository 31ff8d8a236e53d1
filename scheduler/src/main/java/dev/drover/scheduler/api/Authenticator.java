package dev.drover.scheduler.api;

import com.sun.net.httpserver.HttpExchange;
import dev.drover.core.port.User;
import dev.drover.scheduler.auth.Accounts;
import dev.drover.scheduler.auth.Sessions;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Who sends a request: a bearer token's user, or a signed-in browser's (whose writes must carry the CSRF value). */
final class Authenticator {
    private final Accounts accounts;
    private final Sessions sessions;

    Authenticator(Accounts accounts, Sessions sessions) {
        this.accounts = accounts;
        this.sessions = sessions;
    }

    User authenticate(HttpExchange ex) throws Refusal {
        String header = ex.getRequestHeaders().getFirst("Authorization");
        if (header == null) {
            Optional<Sessions.Session> session = sessionOf(ex);
            if (session.isPresent()) {
                // the user as they are now: a removed one is signed out, a demoted admin is no longer one
                Optional<User> now = accounts.byName(session.get().user().name());
                if (now.isEmpty()) {
                    sessions.endUser(session.get().user().name());
                    throw new Refusal(401, "this user was removed; the browser is signed out");
                }
                String method = ex.getRequestMethod();
                if (!method.equals("GET") && !method.equals("HEAD")
                        && !Sessions.csrfMatches(session.get(), ex.getRequestHeaders().getFirst(Sessions.CSRF_HEADER))) {
                    throw new Refusal(403, "a signed-in browser must send " + Sessions.CSRF_HEADER + " with this request");
                }
                return now.get();
            }
        }
        if (header == null || header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new Refusal(401, "a token is needed: Authorization: Bearer TOKEN",
                    Map.of("WWW-Authenticate", "Bearer realm=\"drover\""));
        }
        return accounts.authenticate(header.substring(7).trim()).orElseThrow(() -> new Refusal(401, "invalid or revoked token",
                Map.of("WWW-Authenticate", "Bearer realm=\"drover\", error=\"invalid_token\"")));
    }

    Optional<Sessions.Session> sessionOf(HttpExchange ex) {
        return cookie(ex, Sessions.COOKIE).flatMap(sessions::session);
    }

    /** A cookie's value from the request's Cookie headers. */
    static Optional<String> cookie(HttpExchange ex, String name) {
        List<String> headers = ex.getRequestHeaders().get("Cookie");
        if (headers == null) {
            return Optional.empty();
        }
        for (String header : headers) {
            for (String part : header.split(";")) {
                String p = part.trim();
                if (p.startsWith(name + "=")) {
                    return Optional.of(p.substring(name.length() + 1));
                }
            }
        }
        return Optional.empty();
    }
}
