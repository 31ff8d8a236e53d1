package dev.drover.scheduler.api;

import com.sun.net.httpserver.HttpExchange;
import dev.drover.core.codec.Json;
import dev.drover.core.port.MessageQueue.QueueDepth;
import dev.drover.core.port.User;
import dev.drover.scheduler.model.JobView;
import dev.drover.scheduler.rerun.Rerun;
import dev.drover.scheduler.Engine;
import dev.drover.scheduler.job.JobState;
import dev.drover.scheduler.metrics.SchedulerMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The browser dashboard's server side: its static files (from the jar), a first snapshot, one job's
 * detail, and the live stream of server-sent events. The stream sends a small delta about once a
 * second: only the jobs whose figures changed, the queue and the fleet only when they changed, and
 * the selected job's detail only when it changed; so a busy job costs a few hundred bytes a second,
 * however many tasks it runs.
 */
final class Dashboard {
    /** How often the stream looks for changes. */
    static final Duration TICK = Duration.ofSeconds(1);
    /** A comment line this often keeps proxies from closing a quiet stream and tells us the client is gone. */
    static final Duration KEEPALIVE = Duration.ofSeconds(15);
    /** A stream ends after this long; the browser's EventSource reconnects by itself. */
    static final Duration STREAM_LIFETIME = Duration.ofMinutes(30);
    /** Jobs shown at most: the most recently submitted. */
    static final int MAX_JOBS = 500;
    static final int RUNNING_SHOWN = 20;
    private static final String UI = "/dev/drover/scheduler/ui/";
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml", "png", "image/png");
    /** List prices (us-east-1) per request, for the cost of a job's AWS calls. */
    static final double SQS_USD = 0.40e-6;
    static final double DYNAMO_WRITE_USD = 1.25e-6;
    static final double DYNAMO_READ_USD = 0.25e-6;
    static final double S3_USD = 5e-6;

    /** How often a stream asks the other replicas for their jobs (each one's {@code GET /jobs}). */
    static final Duration OTHERS_EVERY = Duration.ofSeconds(2);

    /** The jobs a user may see that the other live replicas hold: none for a single scheduler. */
    interface Elsewhere {
        List<JobView> jobs(User user);
    }

    private final Engine scheduler;
    private final SchedulerMetrics metrics;
    private final Elsewhere elsewhere;

    Dashboard(Engine scheduler, Elsewhere elsewhere) {
        this.scheduler = scheduler;
        this.metrics = scheduler.metrics();
        this.elsewhere = elsewhere;
    }

    /** Serves a static file of the page; false if there is none by that name. */
    boolean serveStatic(HttpExchange ex, String name) throws IOException {
        if (!name.matches("[a-z0-9-]+\\.(html|js|css|svg|png)")) {
            return false;
        }
        byte[] bytes;
        try (InputStream in = Dashboard.class.getResourceAsStream(UI + name)) {
            if (in == null) {
                return false;
            }
            bytes = in.readAllBytes();
        }
        ex.getResponseHeaders().set("Content-Type", TYPES.get(name.substring(name.lastIndexOf('.') + 1)));
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        if (name.endsWith(".html")) {
            // no script but our own, no framing by another site
            ex.getResponseHeaders().set("Content-Security-Policy",
                    "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'");
            ex.getResponseHeaders().set("X-Frame-Options", "DENY");
        }
        ex.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
        return true;
    }

    private static boolean visible(JobView job, User user) {
        return user.admin() || user.name().equals(job.owner());
    }

    /** This replica's jobs the user may see, with {@code others} (the other replicas', as the user may see them). */
    private List<JobView> jobs(User user, List<JobView> others) {
        List<JobView> here = metrics.jobs().stream().filter(j -> visible(j, user)).toList();
        List<JobView> all = others.isEmpty() ? here : Forwarder.merge(here, others);
        return all.size() <= MAX_JOBS ? all : all.subList(all.size() - MAX_JOBS, all.size());
    }

    /** One job's line on the page: what its progress bar and counts need. */
    static Map<String, Object> summary(JobView j) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("jobId", j.jobId());
        m.put("name", j.name());
        m.put("owner", j.owner());
        m.put("state", j.state());
        m.put("total", j.total());
        Map<String, Long> counts = new LinkedHashMap<>();
        j.counts().forEach((s, n) -> {
            if (n > 0) {
                counts.put(s.name(), n);
            }
        });
        m.put("counts", counts);
        m.put("submittedAt", j.submittedAt());
        m.put("finishedAt", j.finishedAt());
        m.put("tasksPerSecond", Math.round(j.tasksPerSecond() * 10) / 10.0);
        m.put("costUsd", cost(j));
        m.put("workers", j.workers());
        return m;
    }

    static double cost(JobView j) {
        double usd = j.sqsRequests() * SQS_USD + j.dynamoWrites() * DYNAMO_WRITE_USD + j.dynamoReads() * DYNAMO_READ_USD
                + j.s3Requests() * S3_USD;
        return Math.round(usd * 1e6) / 1e6;
    }

    /** Everything the page shows at first, for this user. */
    Map<String, Object> snapshot(User user) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("user", user.name());
        m.put("admin", user.admin());
        m.put("jobs", jobs(user, elsewhere.jobs(user)).stream().map(Dashboard::summary).toList());
        m.put("queue", queue());
        m.put("fleet", fleet());
        return m;
    }

    private Map<String, Object> queue() {
        QueueDepth d = metrics.queue();
        return Map.of("visible", d.visible(), "inFlight", d.inFlight());
    }

    /** The fleet: the provisioner's figures and decisions, and each worker's state, uptime, tasks run and cost. */
    private Map<String, Object> fleet() {
        Map<String, Object> status = metrics.fleetStatus();
        Map<String, Object> m = new LinkedHashMap<>();
        status.forEach((k, v) -> {
            if (!k.equals("members") && !k.equals("launchDelaysMs")) {
                m.put(k, v);
            }
        });
        Map<String, Long> tasks = metrics.tasksByWorker();
        Map<String, Map<String, Object>> workers = new LinkedHashMap<>();
        if (status.get("members") instanceof List<?> members) {
            for (Object o : members) {
                if (o instanceof Map<?, ?> member) {
                    Map<String, Object> w = new LinkedHashMap<>();
                    member.forEach((k, v) -> w.put(String.valueOf(k), v));
                    workers.put(String.valueOf(member.get("id")), w);
                }
            }
        }
        for (String id : new TreeSet<>(tasks.keySet())) {
            workers.computeIfAbsent(id, k -> new LinkedHashMap<>(Map.of("id", k, "state", "running")));
        }
        workers.forEach((id, w) -> w.put("tasks", tasks.getOrDefault(id, 0L)));
        m.put("workers", new ArrayList<>(workers.values()));
        return m;
    }

    /** One job's detail: counts, latency percentiles, cost, failures grouped by cause, tasks running now. */
    Optional<Map<String, Object>> detail(String jobId, User user) {
        Optional<JobView> view = scheduler.status(jobId).filter(j -> visible(j, user));
        Optional<JobState> state = scheduler.job(jobId);
        if (view.isEmpty() || state.isEmpty()) {
            return Optional.empty();
        }
        JobView j = view.get();
        Map<String, Object> m = new LinkedHashMap<>(summary(j));
        m.put("latencyMs", state.get().latencyPercentiles());
        m.put("calls", Map.of("sqs", j.sqsRequests(), "dynamoWrites", j.dynamoWrites(), "dynamoReads", j.dynamoReads(),
                "s3", j.s3Requests()));
        m.put("ec2Usd", Math.round(j.ec2Usd() * 1e6) / 1e6); // its share of the fleet, by task-seconds
        m.put("workerSeconds", j.workerSeconds());
        m.put("budgetUsd", j.budgetUsd());
        m.put("cancelReason", j.cancelReason());
        m.put("stages", j.stages()); // each named line's (and waiting run's) progress
        m.put("failures", state.get().failureGroups().stream().limit(20).map(Dashboard::failure).toList());
        m.put("running", state.get().runningTasks(RUNNING_SHOWN));
        return Optional.of(m);
    }

    /** A failure group as the page shows it, with the id that {@code POST /jobs/{id}/rerun} takes. */
    static Map<String, Object> failure(JobState.FailureGroup g) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", Rerun.groupId(g));
        m.put("status", g.status());
        m.put("exitCode", g.exitCode());
        m.put("firstLine", g.firstLine());
        m.put("count", g.count());
        m.put("sampleSeqs", g.sampleSeqs());
        return m;
    }

    /**
     * The live stream, until the client goes or {@link #STREAM_LIFETIME} passes: first a
     * {@code snapshot} event, then {@code delta} events of what changed. Its jobs are every replica's the
     * user may see: the other replicas' as they were asked at most {@link #OTHERS_EVERY} ago.
     */
    void stream(HttpExchange ex, User user, String selectedJob) throws IOException, InterruptedException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.getResponseHeaders().set("X-Accel-Buffering", "no");
        ex.sendResponseHeaders(200, 0);
        Map<String, String> sentJobs = new HashMap<>();
        String sentQueue = null;
        String sentFleet = null;
        String sentDetail = null;
        long end = System.nanoTime() + STREAM_LIFETIME.toNanos();
        long quietSince = System.nanoTime();
        List<JobView> others = List.of();
        long othersAt = 0;
        try (OutputStream out = ex.getResponseBody()) {
            out.write("retry: 2000\n\n".getBytes(StandardCharsets.UTF_8));
            boolean first = true;
            while (System.nanoTime() < end) {
                Map<String, Object> delta = new LinkedHashMap<>();
                List<Map<String, Object>> changed = new ArrayList<>();
                if (first || System.nanoTime() - othersAt >= OTHERS_EVERY.toNanos()) {
                    others = elsewhere.jobs(user);
                    othersAt = System.nanoTime();
                }
                for (JobView j : jobs(user, others)) {
                    Map<String, Object> s = summary(j);
                    String json = Json.write(s);
                    if (!json.equals(sentJobs.put(j.jobId(), json))) {
                        changed.add(s);
                    }
                }
                if (!changed.isEmpty()) {
                    delta.put("jobs", changed);
                }
                String queue = Json.write(queue());
                if (!queue.equals(sentQueue)) {
                    delta.put("queue", queue());
                    sentQueue = queue;
                }
                Map<String, Object> fleet = fleet();
                String fleetJson = Json.write(fleet);
                if (!fleetJson.equals(sentFleet)) {
                    delta.put("fleet", fleet);
                    sentFleet = fleetJson;
                }
                if (selectedJob != null) {
                    Optional<Map<String, Object>> d = detail(selectedJob, user);
                    String json = d.map(Json::write).orElse("null");
                    if (!json.equals(sentDetail)) {
                        delta.put("detail", d.orElse(null));
                        sentDetail = json;
                    }
                }
                long now = System.nanoTime();
                if (first) {
                    delta.put("user", user.name());
                    delta.put("admin", user.admin());
                    event(out, "snapshot", delta);
                    first = false;
                    quietSince = now;
                } else if (!delta.isEmpty()) {
                    event(out, "delta", delta);
                    quietSince = now;
                } else if (now - quietSince >= KEEPALIVE.toNanos()) {
                    out.write(": keepalive\n\n".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    quietSince = now;
                }
                try {
                    Thread.sleep(TICK.toMillis());
                } catch (InterruptedException e) {
                    // the server is stopping: the stream ends (the browser reconnects), it did not fail
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static void event(OutputStream out, String name, Object data) throws IOException {
        out.write(("event: " + name + "\ndata: " + Json.write(data) + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
