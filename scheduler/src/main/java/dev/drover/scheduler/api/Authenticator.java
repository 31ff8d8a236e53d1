package dev.drover.scheduler.api;

import com.sun.net.httpserver.HttpExchange;
import dev.drover.core.port.User;
import dev.drover.scheduler.auth.Accounts;
import dev.drover.scheduler.auth.Sessions;
import dev.drover.scheduler.forward.ReplicaCredential;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Who sends a request: a bearer token's user, a signed-in browser's (whose writes must carry the CSRF value),
 * or, on a request another replica forwarded, the caller whose name that replica signed ({@link ReplicaCredential}).
 * A forwarded name is taken only with a valid signature: a client that sends the header is refused, whatever
 * else it carries.
 */
final class Authenticator {
    /** The exchange's attribute set on a request another replica forwarded: it is answered here, never forwarded again. */
    static final String FORWARDED = "drover.forwarded";
    private final Accounts accounts;
    private final Sessions sessions;
    /** Set when this server is one replica of several; until then a forwarded request is refused. */
    private volatile ReplicaCredential replicas;

    Authenticator(Accounts accounts, Sessions sessions) {
        this.accounts = accounts;
        this.sessions = sessions;
    }

    void replicas(ReplicaCredential credential) {
        this.replicas = credential;
    }

    static boolean forwarded(HttpExchange ex) {
        return Boolean.TRUE.equals(ex.getAttribute(FORWARDED));
    }

    User authenticate(HttpExchange ex) throws Refusal {
        String forwardedFor = ex.getRequestHeaders().getFirst(ReplicaCredential.HEADER);
        if (forwardedFor != null) {
            return forwardedCaller(ex, forwardedFor);
        }
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

    /**
     * A replica calling for itself ({@link ReplicaCredential#REPLICA} signed): the only caller of a replica's
     * internal routes. A user's token or session gets 403, anything else 401.
     */
    User replica(HttpExchange ex) throws Refusal {
        String signed = ex.getRequestHeaders().getFirst(ReplicaCredential.HEADER);
        if (signed == null) {
            authenticate(ex); // 401 without a valid token or session
            throw new Refusal(403, "this route is for scheduler replicas only");
        }
        ReplicaCredential credential = replicas;
        if (credential == null || credential.verify(signed, ex.getRequestMethod(), target(ex))
                .filter(ReplicaCredential.REPLICA::equals).isEmpty()) {
            throw new Refusal(401, ReplicaCredential.HEADER + " is for scheduler replicas only; this one is not valid here");
        }
        ex.setAttribute(FORWARDED, true);
        return new User(ReplicaCredential.REPLICA, false, 0);
    }

    private static String target(HttpExchange ex) {
        return ex.getRequestURI().getRawPath() + (ex.getRequestURI().getRawQuery() == null ? ""
                : "?" + ex.getRequestURI().getRawQuery());
    }

    /** The caller a replica forwarded the request for, as they are now; 401 for a signature that is not a replica's. */
    private User forwardedCaller(HttpExchange ex, String value) throws Refusal {
        ReplicaCredential credential = replicas;
        Optional<String> name = credential == null ? Optional.empty()
                : credential.verify(value, ex.getRequestMethod(), target(ex));
        if (name.isEmpty()) {
            throw new Refusal(401, ReplicaCredential.HEADER + " is for scheduler replicas only; this one is not valid here");
        }
        User user = accounts.byName(name.get()).orElseThrow(() -> new Refusal(401, "invalid or revoked token"));
        ex.setAttribute(FORWARDED, true);
        return user;
    }
}
