package dev.drover.scheduler.api;

import static dev.drover.scheduler.api.Replies.allow;
import static dev.drover.scheduler.api.Replies.json;

import com.sun.net.httpserver.HttpExchange;
import dev.drover.core.port.User;
import dev.drover.scheduler.auth.Accounts;
import dev.drover.scheduler.auth.Sessions;
import dev.drover.scheduler.tls.Transport;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The dashboard's sign-in and its pages: GET / and /ui/FILE and POST /session/start need no token
 * ({@link #page}, {@link #start}); GET /session and POST /session/login are a signed-in user's.
 */
final class SessionsResource implements Resource {
    private final Sessions sessions;
    private final Accounts accounts;
    private final Authenticator authenticator;
    private final Dashboard dashboard;
    private final Transport transport;

    SessionsResource(Sessions sessions, Accounts accounts, Authenticator authenticator, Dashboard dashboard, Transport transport) {
        this.sessions = sessions;
        this.accounts = accounts;
        this.authenticator = authenticator;
        this.dashboard = dashboard;
        this.transport = transport;
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route("GET", "/session"), new Route("POST", "/session/login"));
    }

    /** The routes served without a token. */
    static List<Route> publicRoutes() {
        return List.of(new Route("GET", "/"), new Route("GET", "/ui/{file}"), new Route("POST", "/session/start"));
    }

    /** A one-time sign-in link's path and query for this user: {@code /?login=CODE}. */
    String loginPath(User user) {
        return "/?login=" + sessions.loginCode(user);
    }

    /** GET /session: who is signed in, and the CSRF value a cookie session must echo; POST /session/login: a sign-in link. */
    @Override
    public void handle(HttpExchange ex, String method, List<String> path, Map<String, String> query, User user) throws Exception {
        if (path.size() == 2 && path.get(1).equals("login")) {
            allow(method, "POST");
            String where = loginPath(user);
            json(ex, 200, Map.of("path", where, "code", where.substring("/?login=".length())));
            return;
        }
        if (path.size() != 1) {
            throw Refusal.notFound();
        }
        allow(method, "GET");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("user", user.name());
        body.put("admin", user.admin());
        authenticator.sessionOf(ex).ifPresent(s -> body.put("csrf", s.csrf()));
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        json(ex, 200, body);
    }

    /**
     * GET / (the page, or with ?login=CODE the sign-in page, which posts the code to /session/start)
     * and GET /ui/FILE: no token, since they hold no data.
     */
    void page(HttpExchange ex, String method, List<String> path, Map<String, String> query) throws Exception {
        allow(method, "GET");
        boolean login = path.isEmpty() && query.containsKey("login");
        if (login) {
            ex.getResponseHeaders().set("Cache-Control", "no-store");
            ex.getResponseHeaders().set("Referrer-Policy", "no-referrer");
        }
        String name = login ? "login.html" : path.isEmpty() ? "index.html" : path.size() == 2 ? path.get(1) : "";
        if (!dashboard.serveStatic(ex, name)) {
            throw Refusal.notFound();
        }
    }

    /**
     * POST /session/start, body: a one-time code → the session cookie. Only the sign-in page's own
     * script can make this request: it must carry {@link Sessions#LOGIN_HEADER}, which a form cannot
     * send and a script of another site cannot without a CORS preflight (refused here), and an
     * {@code Origin}, if sent, must be this server's. So no other site can sign a browser in.
     */
    void start(HttpExchange ex, String method) throws Exception {
        allow(method, "POST");
        if (ex.getRequestHeaders().getFirst(Sessions.LOGIN_HEADER) == null || !sameOrigin(ex)) {
            throw new Refusal(403, "a sign-in must come from the sign-in page itself (open the link in the browser)");
        }
        String code = new String(new BodyLimit(ex.getRequestBody(), 256).readAllBytes(), StandardCharsets.US_ASCII).strip();
        Optional<String> cookie = sessions.exchange(code);
        Optional<Sessions.Session> session = cookie.flatMap(sessions::session);
        if (session.isEmpty() || accounts.byName(session.get().user().name()).isEmpty()) {
            cookie.ifPresent(sessions::end);
            throw new Refusal(403, "this sign-in link was used already or has expired: ask for a new one (drover dashboard)");
        }
        ex.getResponseHeaders().add("Set-Cookie", Sessions.COOKIE + "=" + cookie.get()
                + "; HttpOnly; SameSite=Strict; Path=/; Max-Age=" + Sessions.SESSION_TTL.toSeconds()
                + (transport.fingerprint().isPresent() ? "; Secure" : "")); // over HTTPS, never sent in the clear
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        json(ex, 200, Map.of("user", session.get().user().name()));
    }

    /** No Origin (not a browser's cross-site request), or the one this request was sent to. */
    private boolean sameOrigin(HttpExchange ex) {
        String origin = ex.getRequestHeaders().getFirst("Origin");
        String host = ex.getRequestHeaders().getFirst("Host");
        return origin == null || host != null && origin.equals(transport.scheme() + "://" + host);
    }
}
