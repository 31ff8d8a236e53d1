package dev.drover.scheduler.api;

import static dev.drover.scheduler.api.Replies.allow;
import static dev.drover.scheduler.api.Replies.json;
import static dev.drover.scheduler.api.Replies.refuse;

import com.sun.net.httpserver.HttpExchange;
import dev.drover.core.InfrastructureException;
import dev.drover.core.port.User;
import dev.drover.scheduler.Engine;
import dev.drover.scheduler.auth.Accounts;
import dev.drover.scheduler.auth.Sessions;
import dev.drover.scheduler.billing.Billing;
import dev.drover.scheduler.collect.HandIn;
import dev.drover.scheduler.forward.OwnerRouting;
import dev.drover.scheduler.forward.Placement;
import dev.drover.scheduler.forward.ReplicaLink;
import dev.drover.scheduler.rerun.Rerun;
import dev.drover.scheduler.tls.Transport;
import dev.drover.scheduler.why.Why;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
 * interfaces: a route table, one handler a resource ({@link JobsResource}, {@link UsersResource},
 * {@link FilesResource}, {@link BillResource}, {@link FleetResource}, {@link EventsResource},
 * {@link SessionsResource}, {@link MetricsResource}, the replicas' own {@link ReplicaResource}), each declaring
 * its routes. Every route, its parameters and its status codes are in {@code docs/api.yaml} (OpenAPI 3),
 * which ApiDocumentTest holds to this table. Every request but {@code GET /health}, the dashboard's page and its sign-in needs
 * {@code Authorization: Bearer TOKEN}; a user sees only their own jobs (404 for anyone else's), an admin
 * sees all.
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
    private final Limits limits;
    private final StreamBudget streams;
    private final Billing billing;
    private final Transport transport;
    private final Authenticator authenticator;
    private final SessionsResource sessions;
    /** The route table: a handler for each first segment of an authenticated path. */
    private final Map<String, Resource> resources;
    private final Engine engine;
    /** {@code POST /replica/results}: other replicas hand this one its jobs' result messages. */
    private final ReplicaResource replica = new ReplicaResource();
    /** Set when this server is one replica of several: requests for another replica's running jobs go to it. */
    private volatile Forwarder forwarder;

    public HttpApi(Engine scheduler, String host, int port, FleetView fleet, Accounts accounts) throws IOException {
        this(scheduler, host, port, fleet, accounts, Limits.defaults());
    }

    public HttpApi(Engine scheduler, String host, int port, FleetView fleet, Accounts accounts, Limits limits)
            throws IOException {
        this(scheduler, host, port, fleet, accounts, limits, Transport.plain());
    }

    /** As above, served over {@code transport}: plain HTTP or HTTPS. */
    public HttpApi(Engine scheduler, String host, int port, FleetView fleet, Accounts accounts, Limits limits,
            Transport transport) throws IOException {
        this(scheduler, host, port, fleet, accounts, limits, transport, Clock.systemUTC(), Billing.DEFAULT_EVERY);
    }

    /** With the clock that says which month it is, and how often budgets are checked. */
    public HttpApi(Engine scheduler, String host, int port, FleetView fleet, Accounts accounts, Limits limits,
                   Clock billingClock, Duration billingEvery) throws IOException {
        this(scheduler, host, port, fleet, accounts, limits, Transport.plain(), billingClock, billingEvery);
    }

    private HttpApi(Engine scheduler, String host, int port, FleetView fleet, Accounts accounts, Limits limits,
                    Transport transport, Clock billingClock, Duration billingEvery) throws IOException {
        this.transport = transport;
        this.engine = scheduler;
        this.billing = new Billing(scheduler, () -> scheduler.metrics().fleetStatus(), accounts::list, billingClock, billingEvery);
        this.limits = limits;
        this.requests = new Semaphore(limits.threads());
        this.streams = new StreamBudget(limits.streamsPerUser(), limits.streams());
        Sessions signIns = new Sessions(Clock.systemUTC());
        Dashboard dashboard = new Dashboard(scheduler, user -> { // the all-jobs stream holds every replica's jobs
            Forwarder f = forwarder;
            return f == null ? List.of() : f.others(user);
        });
        this.authenticator = new Authenticator(accounts, signIns);
        this.sessions = new SessionsResource(signIns, accounts, authenticator, dashboard, transport);
        Why why = new Why(scheduler, () -> scheduler.metrics().fleetStatus(), () -> scheduler.metrics().queue());
        EventsResource events = new EventsResource(dashboard, streams);
        Map<String, Resource> table = new LinkedHashMap<>();
        table.put("jobs", new JobsResource(scheduler, billing, why, new Rerun(scheduler), streams, limits.maxBodyBytes(),
                (ex, user, here) -> {
                    Forwarder f = forwarder;
                    return f == null || Authenticator.forwarded(ex) ? here : f.everywhere(here, user);
                }, (ex, user, body, after) -> {
                    Forwarder f = forwarder; // a submit another replica placed here stays here: one hop at most
                    return f == null || Authenticator.forwarded(ex) ? Optional.of(body) : f.place(ex, user, body, after);
                }));
        table.put("files", new FilesResource(scheduler));
        table.put("users", new UsersResource(accounts, signIns));
        table.put("session", sessions);
        table.put("fleet", new FleetResource(fleet));
        table.put("bill", new BillResource(billing, (ex, user, here) -> {
            Forwarder f = forwarder;
            return f == null || Authenticator.forwarded(ex) ? here
                    : f.billEverywhere(here, user, ex.getRequestURI().getRawPath()
                            + (ex.getRequestURI().getRawQuery() == null ? "" : "?" + ex.getRequestURI().getRawQuery()));
        }));
        table.put("events", events);
        table.put("dashboard", events);
        table.put("metrics", new MetricsResource(scheduler));
        table.put("replica", replica);
        this.resources = Map.copyOf(table);
        scheduler.metrics().fleet(() -> fleet.snapshot() instanceof Map<?, ?> m ? stringKeys(m) : Map.of());
        // a thread for every request that may run or wait, every stream, and /health beside them
        this.server = new ApiServer(new InetSocketAddress(host, port), transport.sslContext(),
                limits.threads() + limits.queued() + limits.streams() + 4, this::handle);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> stringKeys(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }

    /** Every route served: the table's, the dashboard's public ones and {@code GET /health}. */
    public List<Route> routes() {
        Set<Route> all = new LinkedHashSet<>();
        all.add(new Route("GET", "/health"));
        all.addAll(SessionsResource.publicRoutes());
        resources.values().forEach(r -> all.addAll(r.routes()));
        return List.copyOf(all);
    }

    /** The handler of each first segment, for ApiDocumentTest. */
    Map<String, Resource> resources() {
        return resources;
    }

    /** A one-time sign-in link's path and query for this user: {@code /?login=CODE}. */
    public String loginPath(User user) {
        return sessions.loginPath(user);
    }

    /** The dashboard's sign-in URL for this user, on the address the server listens on. */
    public String dashboardUrl(String host, User user) {
        String h = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
        return transport.scheme() + "://" + (h.contains(":") ? "[" + h + "]" : h) + ":" + port() + loginPath(user);
    }

    /**
     * Makes this server one replica of several: a request for a running job another replica owns is passed
     * to that replica ({@link Forwarder}), a new job may be placed on a less loaded one ({@link Placement}),
     * the jobs list spans every live replica, requests other replicas forward here are taken as the
     * caller whose name they signed, and result messages of this replica's jobs they hand over go to {@code handIn}.
     */
    public HttpApi forwarding(OwnerRouting routing, ReplicaLink link, Placement placement, HandIn handIn) {
        authenticator.replicas(link.credential());
        replica.handIn(handIn);
        this.forwarder = new Forwarder(routing, link, placement);
        return this;
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

    /** The disk filled under the request: the admin's to fix, so one warning line, and 507 for the client. */
    private static void diskFull(HttpExchange ex, Exception e) {
        log.warn("{} {}: the disk is full: {}", ex.getRequestMethod(), ex.getRequestURI().getRawPath(), e.getMessage());
        ex.getResponseHeaders().set("Connection", "close"); // the rest of an upload is not read
        refuse(ex, DiskFull.refusal());
    }

    /** {@code /events} and {@code results?follow=true}: they take from the streams' budget, not a request permit. */
    private static boolean stream(List<String> path, Map<String, String> query) {
        return EventsResource.isStream(path) || JobsResource.isStream(path, query);
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
            sessions.page(ex, method, path, query);
            return;
        }
        if (path.equals(List.of("session", "start"))) {
            sessions.start(ex, method);
            return;
        }
        User user = path.get(0).equals("replica") ? authenticator.replica(ex) : authenticator.authenticate(ex);
        Resource resource = resources.get(path.get(0));
        if (resource == null) {
            throw Refusal.notFound();
        }
        if (!forwarded(ex, path, query, user)) {
            resource.handle(ex, method, path, query, user);
        }
    }

    /**
     * Passes a request for a running job of another replica to that replica; false if it is answered here
     * (this replica's job, an ended job of any replica, an unknown one, or a request forwarded here already).
     */
    private boolean forwarded(HttpExchange ex, List<String> path, Map<String, String> query, User user) throws Exception {
        Forwarder f = forwarder;
        String jobId = jobOf(path, query);
        // an id no job can have is not looked up as an owner: the resource answers it as it would anywhere
        if (f == null || jobId == null || Authenticator.forwarded(ex) || !JOB_ID.matcher(jobId).matches()
                || engine.status(jobId).isPresent()) {
            return false;
        }
        Optional<OwnerRouting.Remote> owner = f.ownerElsewhere(jobId);
        if (owner.isEmpty()) {
            return false;
        }
        if (stream(path, query)) {
            try (StreamBudget.Permit held = streams.acquire(user.name())) {
                f.forward(ex, jobId, owner.get(), user, true);
            }
        } else {
            f.forward(ex, jobId, owner.get(), user, false);
        }
        return true;
    }

    /** What a job id can be (letters and digits, as {@code intake/JobIds} makes them): anything else is no job. */
    private static final java.util.regex.Pattern JOB_ID = java.util.regex.Pattern.compile("[a-z0-9]{1,64}");

    /** The job a request is about: {@code /jobs/ID/...}, {@code /dashboard/jobs/ID}, {@code /events?job=ID}; else null. */
    private static String jobOf(List<String> path, Map<String, String> query) {
        if (path.get(0).equals("jobs") && path.size() >= 2) {
            return path.get(1);
        }
        if (path.get(0).equals("dashboard") && path.size() == 3 && path.get(1).equals("jobs")) {
            return path.get(2);
        }
        String job = query.get("job");
        return EventsResource.isStream(path) && job != null && !job.isEmpty() ? job : null;
    }

    @Override
    public void close() {
        Forwarder f = forwarder;
        if (f != null) {
            f.close();
        }
        billing.close();
        server.close();
    }
}
