package dev.drover.scheduler.api;

import com.sun.net.httpserver.HttpExchange;
import dev.drover.core.InfrastructureException;
import dev.drover.core.codec.Json;
import dev.drover.core.files.FilesException;
import dev.drover.core.files.FilesPack;
import dev.drover.core.port.User;
import dev.drover.core.workload.WorkloadException;
import dev.drover.scheduler.model.JobView;
import dev.drover.scheduler.model.Quotas;
import dev.drover.scheduler.Scheduler;
import dev.drover.scheduler.auth.Accounts;
import dev.drover.scheduler.auth.Sessions;
import dev.drover.scheduler.billing.Billing;
import dev.drover.scheduler.billing.Since;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.io.EofException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler's HTTP/JSON API, on Jetty ({@link ApiServer}) through the {@code com.sun.net.httpserver}
 * interfaces. Every request but {@code GET /health}
 * needs {@code Authorization: Bearer TOKEN}; a user sees only their own jobs (404 for anyone
 * else's), an admin sees all.
 * <pre>
 * GET    /health                                           → {status}              (no token needed)
 * POST   /jobs?name=N                body: the workload    → 201 job | 400 {error, source, line, reason} | 413
 * GET    /jobs                                             → [job] (your own; an admin's: all)
 * GET    /jobs/{id}                                        → job (counts per status, cost)
 * GET    /jobs/{id}/tasks/{seq}                            → {status, result}
 * GET    /jobs/{id}/results[?follow=true|false]            → JSON lines, one result a task
 * POST   /jobs/{id}/cancel                                 → job
 * GET    /fleet                                            → the provisioner's view
 * GET    /users                                            → [user]                (admin)
 * POST   /users?name=N[&amp;admin=true]                       → 201 {name, admin, token} (admin)
 * DELETE /users/{name}                                     → {name, removed}       (admin)
 * POST   /users?name=N&amp;weight=W                            a user of fair-share weight W (1 to 10000; default 1)
 * PATCH  /users/{name}?weight=W                            → {name, weight}        (admin): changes the weight
 * POST   /jobs?name=N&amp;priority=P                           a job dispatched before its owner's lower ones (-1000 to 1000; default 0)
 * POST   /jobs?name=N&amp;files=SHA   a job whose tasks start in a copy of that files pack
 * GET    /jobs/{id}/outputs/{seq}/{path}                   → the file a task left in its output directory
 * GET    /files/{sha}                                      → 200 if the payload store holds that pack | 404
 * PUT    /files/{sha}               body: the pack (tar.gz) → 201 stored | 200 already there | 400 bad pack
 * GET    /jobs/{id}/why[?task=SEQ]                         → {seq, status, reasons: [{code, text}]}: why it is not running
 * POST   /jobs?name=N&amp;budget=USD    a job cancelled with reason "budget" once its spend reaches USD
 * POST   /jobs?name=N&amp;dryRun=true   → 200 forecast {tasks, taskSeconds, ec2Usd, requestUsd, basis}: nothing queued
 * GET    /bill[?user=U&amp;since=DATE]   → per user and per job: task-seconds, worker-seconds, calls, bytes, USD
 *                                      (your own; an admin's: everyone's; another user's: 403)
 * POST   /users?name=N&amp;monthlyBudget=USD  a user whose jobs stop (and submissions get 429) when the month's spend reaches USD
 * POST   /jobs/{id}/rerun   body: {"failed": true} | {"group": ID} → 201 the new job of just those tasks | 404 | 409 none
 * GET    /metrics                                          → Prometheus text format
 * GET    /?login=CODE                                      → the sign-in page (no token needed); its script posts CODE to
 * POST   /session/start   body: CODE, X-Drover-Login: 1    → 200 {user} and the session cookie (no token needed)
 * GET    /, /ui/{file}                                     → the dashboard's page       (no token needed; holds no data)
 * GET    /session                                          → {user, admin, csrf}
 * POST   /session/login                                    → {code, path}: a one-time sign-in link
 * GET    /events[?job=ID]                                  → server-sent events: a snapshot, then deltas
 * GET    /dashboard/jobs/{id}                              → one job's detail for the dashboard
 * </pre>
 * A browser signed in through a one-time link sends the session cookie ({@code HttpOnly},
 * {@code SameSite=Strict}) instead of a token; any request of its that is not a GET must also carry
 * {@code X-Drover-CSRF} with the value {@code GET /session} gave it, so another site cannot act for it.
 * Errors are {@code {"error": "..."}} with a short message that never carries internals. No
 * input gets a 5xx: bad numbers and escapes are 400, unknown paths 404, a wrong method 405 with
 * {@code Allow}, a body over {@link Limits#maxBodyBytes} 413 (counted while it streams). A 503
 * with {@code Retry-After} means real overload (every request thread busy and the queue full, or
 * the streams' budget spent) or a store that does not answer; a 500 is a bug, logged with an
 * incident id. Slow connections are the server's to cut off: see {@link ApiServer}.
 */
public final class HttpApi implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpApi.class);
    /** How long a request waits for a thread, when it may wait, before it is told 503. */
    static final long QUEUE_WAIT_SECONDS = 10;

    /**
     * @param maxBodyBytes    largest workload a submission may carry
     * @param threads         requests (other than streams and /health) served at once
     * @param queued          requests that wait for one of those before the rest are told 503
     * @param streams         {@code /events} and {@code results?follow=true} streams at once, over all users
     * @param streamsPerUser  such streams one user may hold
     */
    public record Limits(long maxBodyBytes, int threads, int queued, int streams, int streamsPerUser) {
        public static final int DEFAULT_THREADS = 32;
        public static final int DEFAULT_QUEUED = 256;
        public static final int DEFAULT_STREAMS = 64;
        public static final int DEFAULT_STREAMS_PER_USER = 8;

        public static Limits defaults() {
            return new Limits(256L << 20, DEFAULT_THREADS, DEFAULT_QUEUED, DEFAULT_STREAMS, DEFAULT_STREAMS_PER_USER);
        }

        public Limits withMaxBodyBytes(long bytes) {
            return new Limits(bytes, threads, queued, streams, streamsPerUser);
        }
    }

    /** What the fleet looks like now, for {@code GET /fleet}; empty for the in-JVM pool. */
    public interface FleetView {
        Object snapshot();
    }

    private final ApiServer server;
    /** Permits for requests other than streams and /health, and how many wait for one. */
    private final Semaphore requests;
    private final AtomicInteger waiting = new AtomicInteger();
    private final Scheduler scheduler;
    private final FleetView fleet;
    private final Accounts accounts;
    private final Limits limits;
    private final StreamBudget streams;
    private final Sessions sessions = new Sessions(java.time.Clock.systemUTC());
    private final Dashboard dashboard;
    private final dev.drover.scheduler.why.Why why;
    private final Billing billing;
    private final dev.drover.scheduler.tls.Transport transport;
    private final dev.drover.scheduler.rerun.Rerun rerun;

    public HttpApi(Scheduler scheduler, String host, int port, FleetView fleet, Accounts accounts) throws IOException {
        this(scheduler, host, port, fleet, accounts, Limits.defaults());
    }

    public HttpApi(Scheduler scheduler, String host, int port, FleetView fleet, Accounts accounts, Limits limits)
            throws IOException {
        this(scheduler, host, port, fleet, accounts, limits, dev.drover.scheduler.tls.Transport.plain());
    }

    /** As above, served over {@code transport}: plain HTTP or HTTPS. */
    public HttpApi(Scheduler scheduler, String host, int port, FleetView fleet, Accounts accounts, Limits limits,
            dev.drover.scheduler.tls.Transport transport) throws IOException {
        this(scheduler, host, port, fleet, accounts, limits, transport, java.time.Clock.systemUTC(), Billing.DEFAULT_EVERY);
    }

    /** With the clock that says which month it is, and how often budgets are checked. */
    public HttpApi(Scheduler scheduler, String host, int port, FleetView fleet, Accounts accounts, Limits limits,
                   java.time.Clock billingClock, java.time.Duration billingEvery) throws IOException {
        this(scheduler, host, port, fleet, accounts, limits, dev.drover.scheduler.tls.Transport.plain(), billingClock,
                billingEvery);
    }

    private HttpApi(Scheduler scheduler, String host, int port, FleetView fleet, Accounts accounts, Limits limits,
                    dev.drover.scheduler.tls.Transport transport, java.time.Clock billingClock,
                    java.time.Duration billingEvery) throws IOException {
        this.transport = transport;
        this.billing = new Billing(scheduler, () -> scheduler.metrics().fleetStatus(), accounts::list, billingClock, billingEvery);
        this.scheduler = scheduler;
        this.fleet = fleet;
        this.accounts = accounts;
        this.limits = limits;
        this.requests = new Semaphore(limits.threads());
        this.streams = new StreamBudget(limits.streamsPerUser(), limits.streams());
        this.dashboard = new Dashboard(scheduler);
        this.rerun = new dev.drover.scheduler.rerun.Rerun(scheduler);
        this.why = new dev.drover.scheduler.why.Why(scheduler, () -> scheduler.metrics().fleetStatus(), () -> scheduler.metrics().queue());
        scheduler.metrics().fleet(() -> fleet.snapshot() instanceof Map<?, ?> m ? stringKeys(m) : Map.of());
        // a thread for every request that may run or wait, every stream, and /health beside them
        this.server = new ApiServer(new InetSocketAddress(host, port), transport.sslContext(),
                limits.threads() + limits.queued() + limits.streams() + 4, this::handle);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> stringKeys(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }

    /** A one-time sign-in link's path and query for this user: {@code /?login=CODE}. */
    public String loginPath(User user) {
        return "/?login=" + sessions.loginCode(user);
    }

    /** The dashboard's sign-in URL for this user, on the address the server listens on. */
    public String dashboardUrl(String host, User user) {
        String h = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
        return transport.scheme() + "://" + (h.contains(":") ? "[" + h + "]" : h) + ":" + port() + loginPath(user);
    }

    /** Per-job EC2 shares, budgets, bills and forecasts. */
    public Billing billing() {
        return billing;
    }

    public HttpApi start() throws IOException {
        try {
            server.start();
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("the API server did not start: " + e.getMessage(), e);
        }
        billing.start();
        return this;
    }

    public int port() {
        return server.port();
    }

    /** A refusal the client can act on: status and a short message, never internals. */
    static final class Refusal extends Exception {
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
    }

    private static Refusal notFound() {
        return new Refusal(404, "no such resource");
    }

    private void handle(HttpExchange ex) {
        boolean permit = false;
        try {
            URI uri = Requests.uri(ex);
            List<String> path = Requests.segments(uri.getRawPath());
            Map<String, String> query = Requests.query(uri.getRawQuery());
            if (!path.equals(List.of("health")) && !stream(path, query)) {
                admit();
                permit = true;
            }
            route(ex, path, query);
        } catch (Refusal r) {
            refuse(ex, r);
        } catch (BodyLimit.TooLarge e) {
            ex.getResponseHeaders().set("Connection", "close");
            refuse(ex, new Refusal(413, "the body is over the limit of " + e.limit + " bytes"));
        } catch (InfrastructureException e) {
            log.warn("{} {}: a store did not answer: {}", ex.getRequestMethod(), ex.getRequestURI().getRawPath(), e.getMessage());
            refuse(ex, new Refusal(503, "storage unavailable; try again shortly", Map.of("Retry-After", "5")));
        } catch (IOException e) {
            HttpException bad = HttpException.asHttpException(e);
            if (bad != null || e instanceof EofException) {
                // the client sent a body that is not HTTP (a bad chunk), or went away: its fault, not ours
                log.debug("{} {}: {}", ex.getRequestMethod(), ex.getRequestURI().getRawPath(), e.toString());
                ex.getResponseHeaders().set("Connection", "close");
                refuse(ex, new Refusal(400, "the request's body could not be read: " + JsonErrors.message(400)));
            } else if (DiskFull.causedBy(e)) {
                diskFull(ex, e);
            } else {
                String incident = UUID.randomUUID().toString().substring(0, 8);
                log.error("{} {}: request failed (incident {})", ex.getRequestMethod(), ex.getRequestURI().getRawPath(), incident, e);
                refuse(ex, new Refusal(500, "internal error (incident " + incident + ")"));
            }
        } catch (Exception e) {
            if (DiskFull.causedBy(e)) {
                diskFull(ex, e);
                return;
            }
            String incident = UUID.randomUUID().toString().substring(0, 8);
            log.error("{} {}: request failed (incident {})", ex.getRequestMethod(), ex.getRequestURI().getRawPath(), incident, e);
            refuse(ex, new Refusal(500, "internal error (incident " + incident + ")"));
        } finally {
            if (permit) {
                requests.release();
            }
            ex.close(); // after the catch clauses, which may still answer (a try-with-resources would close first)
        }
    }

    /** {@code /events} and {@code results?follow=true}: they take from the streams' budget, not a request permit. */
    private static boolean stream(List<String> path, Map<String, String> query) {
        return path.equals(List.of("events"))
                || path.size() == 3 && path.get(0).equals("jobs") && path.get(2).equals("results") && "true".equals(query.get("follow"));
    }

    /** Takes a request permit, waiting for one if fewer than {@code queued} wait already; else 503. */
    private void admit() throws Refusal, InterruptedException {
        if (requests.tryAcquire()) {
            return;
        }
        if (waiting.incrementAndGet() <= limits.queued()) {
            try {
                if (requests.tryAcquire(QUEUE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                    return;
                }
            } finally {
                waiting.decrementAndGet();
            }
        } else {
            waiting.decrementAndGet();
        }
        throw new Refusal(503, "the scheduler is busy; try again shortly", Map.of("Retry-After", "1"));
    }

    private void route(HttpExchange ex, List<String> path, Map<String, String> query) throws Exception {
        String method = ex.getRequestMethod();
        if (path.equals(List.of("health"))) {
            allow(method, "GET");
            json(ex, 200, Map.of("status", "ok"));
            return;
        }
        if (path.isEmpty() || path.get(0).equals("ui")) {
            page(ex, method, path, query);
            return;
        }
        if (path.equals(List.of("session", "start"))) {
            startSession(ex, method);
            return;
        }
        User user = authenticate(ex);
        switch (path.get(0)) {
            case "metrics" -> {
                if (path.size() != 1) {
                    throw notFound();
                }
                allow(method, "GET");
                byte[] bytes = scheduler.metrics().scrape().getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                ex.sendResponseHeaders(200, bytes.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(bytes);
                }
            }
            case "session" -> session(ex, method, path, user);
            case "events" -> {
                if (path.size() != 1) {
                    throw notFound();
                }
                allow(method, "GET");
                try (StreamBudget.Permit held = streams.acquire(user.name())) {
                    String job = query.get("job");
                    dashboard.stream(ex, user, job == null || job.isEmpty() ? null : job);
                }
            }
            case "dashboard" -> {
                if (path.size() != 3 || !path.get(1).equals("jobs")) {
                    throw notFound();
                }
                allow(method, "GET");
                json(ex, 200, dashboard.detail(path.get(2), user).orElseThrow(() -> new Refusal(404, "no such job")));
            }
            case "jobs" -> jobs(ex, method, path, query, user);
            case "fleet" -> {
                if (path.size() != 1) {
                    throw notFound();
                }
                allow(method, "GET");
                json(ex, 200, fleet.snapshot());
            }
            case "users" -> users(ex, method, path, query, user);
            case "bill" -> bill(ex, method, path, query, user);
            case "files" -> files(ex, method, path);
            default -> throw notFound();
        }
    }

    /**
     * GET / (the page, or with ?login=CODE the sign-in page, which posts the code to /session/start)
     * and GET /ui/FILE: no token, since they hold no data.
     */
    private void page(HttpExchange ex, String method, List<String> path, Map<String, String> query) throws Exception {
        allow(method, "GET");
        boolean login = path.isEmpty() && query.containsKey("login");
        if (login) {
            ex.getResponseHeaders().set("Cache-Control", "no-store");
            ex.getResponseHeaders().set("Referrer-Policy", "no-referrer");
        }
        String name = login ? "login.html" : path.isEmpty() ? "index.html" : path.size() == 2 ? path.get(1) : "";
        if (!dashboard.serveStatic(ex, name)) {
            throw notFound();
        }
    }

    /**
     * POST /session/start, body: a one-time code → the session cookie. Only the sign-in page's own
     * script can make this request: it must carry {@link Sessions#LOGIN_HEADER}, which a form cannot
     * send and a script of another site cannot without a CORS preflight (refused here), and an
     * {@code Origin}, if sent, must be this server's. So no other site can sign a browser in.
     */
    private void startSession(HttpExchange ex, String method) throws Exception {
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

    /** GET /session: who is signed in, and the CSRF value a cookie session must echo; POST /session/login: a sign-in link. */
    private void session(HttpExchange ex, String method, List<String> path, User user) throws Exception {
        if (path.size() == 2 && path.get(1).equals("login")) {
            allow(method, "POST");
            String where = loginPath(user);
            json(ex, 200, Map.of("path", where, "code", where.substring("/?login=".length())));
            return;
        }
        if (path.size() != 1) {
            throw notFound();
        }
        allow(method, "GET");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("user", user.name());
        body.put("admin", user.admin());
        sessionOf(ex).ifPresent(s -> body.put("csrf", s.csrf()));
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        json(ex, 200, body);
    }

    private Optional<Sessions.Session> sessionOf(HttpExchange ex) {
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

    private User authenticate(HttpExchange ex) throws Refusal {
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

    private static void allow(String method, String... allowed) throws Refusal {
        for (String a : allowed) {
            if (a.equals(method)) {
                return;
            }
        }
        throw new Refusal(405, "method not allowed", Map.of("Allow", String.join(", ", allowed)));
    }

    private void jobs(HttpExchange ex, String method, List<String> path, Map<String, String> query, User user) throws Exception {
        if (path.size() == 1) {
            allow(method, "GET", "POST");
            if (method.equals("POST")) {
                submit(ex, query, user);
            } else {
                json(ex, 200, scheduler.list().stream().filter(j -> visible(j, user)).toList());
            }
            return;
        }
        String jobId = path.get(1);
        String sub = path.size() > 2 ? path.get(2) : "";
        boolean shape = path.size() == 2 || (path.size() == 3 && (sub.equals("results") || sub.equals("cancel") || sub.equals("why")
                || sub.equals("rerun")))
                || (path.size() == 4 && sub.equals("tasks")) || (path.size() >= 5 && sub.equals("outputs"));
        if (!shape) {
            throw notFound();
        }
        allow(method, sub.equals("cancel") || sub.equals("rerun") ? "POST" : "GET");
        long seq = sub.equals("tasks") || sub.equals("outputs") ? Requests.number(path.get(3), "task seq") : -1;
        boolean follow = sub.equals("results") && Requests.bool(query.get("follow"), "follow");
        Optional<JobView> job = scheduler.status(jobId).filter(j -> visible(j, user));
        if (job.isEmpty()) {
            throw new Refusal(404, "no such job (expired or unknown)");
        }
        switch (sub) {
            case "tasks" -> json(ex, 200, scheduler.task(jobId, seq).orElseThrow(() -> new Refusal(404, "no such task")));
            case "results" -> results(ex, jobId, follow, user);
            case "cancel" -> json(ex, 200, scheduler.cancel(jobId).orElseThrow(() -> new Refusal(404, "no such job")));
            case "why" -> {
                Long task = query.containsKey("task") ? Requests.number(query.get("task"), "task") : null;
                json(ex, 200, why.explain(jobId, task).orElseThrow(() -> new Refusal(404, "no such task")));
            }
            case "outputs" -> output(ex, jobId, seq, String.join("/", path.subList(4, path.size())));
            case "rerun" -> json(ex, 201, RerunRequest.run(rerun, ex, jobId, user));
            default -> json(ex, 200, job.get());
        }
    }

    private static boolean visible(JobView job, User user) {
        return user.admin() || user.name().equals(job.owner());
    }

    private void results(HttpExchange ex, String jobId, boolean follow, User user) throws Exception {
        if (!follow) {
            sendResults(ex, jobId, false);
            return;
        }
        try (StreamBudget.Permit held = streams.acquire(user.name())) {
            ApiServer.idle(ex, Duration.ZERO); // a quiet job sends nothing for as long as its tasks run
            sendResults(ex, jobId, true);
        }
    }

    private void sendResults(HttpExchange ex, String jobId, boolean follow) throws Exception {
        ex.getResponseHeaders().set("Content-Type", "application/x-ndjson");
        ex.sendResponseHeaders(200, 0);
        try (OutputStream out = ex.getResponseBody()) {
            scheduler.streamResults(jobId, out, follow);
        }
    }

    private void submit(HttpExchange ex, Map<String, String> query, User user) throws Exception {
        String name = query.getOrDefault("name", "workload");
        if (name.isEmpty() || name.length() > 256 || name.chars().anyMatch(Character::isISOControl)) {
            throw new Refusal(400, "name: 1 to 256 characters, no control characters");
        }
        int priority = Requests.signedInt(query.get("priority"), "priority", dev.drover.scheduler.job.JobState.MAX_PRIORITY);
        String declared = ex.getRequestHeaders().getFirst("Content-Length");
        if (declared != null) {
            long length = Requests.number(declared.trim(), "Content-Length");
            if (length > limits.maxBodyBytes()) {
                throw new BodyLimit.TooLarge(limits.maxBodyBytes());
            }
        }
        Double budget = query.containsKey("budget") ? usd(query.get("budget"), "budget") : null;
        boolean dryRun = Requests.bool(query.get("dryRun"), "dryRun");
        try {
            if (dryRun) {
                json(ex, 200, billing.forecast(new BodyLimit(ex.getRequestBody(), limits.maxBodyBytes()), name, user.name()));
                return;
            }
            billing.admit(user);
            // the owner is who the token says, whatever the client sends
            json(ex, 201, scheduler.submit(new BodyLimit(ex.getRequestBody(), limits.maxBodyBytes()), name, user.name(),
                    query.get("files"), priority, budget));
        } catch (Quotas.Exceeded e) {
            throw new Refusal(429, e.getMessage(), Map.of("Retry-After", "60"));
        } catch (WorkloadException e) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("error", e.getMessage());
            body.put("source", e.source());
            body.put("line", e.line());
            body.put("reason", e.reason());
            json(ex, 400, body);
        }
    }

    private void users(HttpExchange ex, String method, List<String> path, Map<String, String> query, User user) throws Exception {
        if (path.size() > 2) {
            throw notFound();
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
    }

    /** A dollar amount in a query: a finite number, 0 or more. */
    private static double usd(String text, String what) throws Refusal {
        try {
            double v = Double.parseDouble(text == null ? "" : text.strip());
            if (Double.isFinite(v) && v >= 0 && v < 1e12 && !text.strip().matches(".*[a-zA-Z].*")) {
                return v;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new Refusal(400, what + ": a number of US dollars, 0 or more (e.g. 2.50)");
    }

    /**
     * GET /bill[?user=U&amp;since=DATE]: a user's own bill, an admin's of everyone (or of {@code user});
     * a user asking for another's gets 403, since their own name is no secret to them and the refusal says why.
     */
    private void bill(HttpExchange ex, String method, List<String> path, Map<String, String> query, User user) throws Exception {
        if (path.size() != 1) {
            throw notFound();
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
        json(ex, 200, billing.bill(who, since));
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

    /** GET /jobs/J/outputs/SEQ/PATH: one file a task left in its output directory, streamed from the payload store. */
    private void output(HttpExchange ex, String jobId, long seq, String path) throws Exception {
        InputStream in = scheduler.openOutput(jobId, seq, path).orElseThrow(() -> new Refusal(404, "no such output"));
        try (in) {
            ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
            ex.sendResponseHeaders(200, 0);
            try (OutputStream out = ex.getResponseBody()) {
                in.transferTo(out);
            }
        }
    }

    /** The most a files pack may weigh here, whatever the client's own limit. */
    static final long MAX_FILES_PACK_BYTES = 16L << 30;

    /** GET /files/SHA: 200 if the store has the pack, else 404; PUT /files/SHA: stores it unless it is there. */
    private void files(HttpExchange ex, String method, List<String> path) throws Exception {
        if (path.size() != 2) {
            throw notFound();
        }
        allow(method, "GET", "PUT");
        String sha256 = path.get(1);
        if (!FilesPack.isSha256(sha256)) {
            throw new Refusal(400, "not a SHA-256 (64 lower-case hex digits)");
        }
        if (method.equals("PUT")) {
            try {
                boolean uploaded = scheduler.putFiles(sha256, new BodyLimit(ex.getRequestBody(), MAX_FILES_PACK_BYTES),
                        MAX_FILES_PACK_BYTES);
                json(ex, uploaded ? 201 : 200, Map.of("sha256", sha256, "uploaded", uploaded));
            } catch (FilesException e) {
                throw new Refusal(400, e.getMessage());
            }
        } else if (scheduler.hasFiles(sha256)) {
            json(ex, 200, Map.of("sha256", sha256));
        } else {
            throw new Refusal(404, "no such files pack");
        }
    }

    /** The disk filled under the request: the admin's to fix, so one warning line, and 507 for the client. */
    private static void diskFull(HttpExchange ex, Exception e) {
        log.warn("{} {}: the disk is full: {}", ex.getRequestMethod(), ex.getRequestURI().getRawPath(), e.getMessage());
        ex.getResponseHeaders().set("Connection", "close"); // the rest of an upload is not read
        refuse(ex, DiskFull.refusal());
    }

    /** Answers with an error, if the response has not begun; a client that has gone is let go. */
    private static void refuse(HttpExchange ex, Refusal r) {
        if (ex.getResponseCode() > 0) {
            return; // headers already sent: the client sees a cut stream
        }
        try {
            r.headers.forEach((k, v) -> ex.getResponseHeaders().set(k, v));
            json(ex, r.status, Map.of("error", r.getMessage()));
        } catch (IOException | RuntimeException e) {
            log.debug("could not send {}: {}", r.status, e.toString());
        }
    }

    private static void json(HttpExchange ex, int code, Object value) throws IOException {
        byte[] bytes = Json.write(value).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.sendResponseHeaders(code, -1);
            return;
        }
        ex.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        billing.close();
        server.close();
    }
}
