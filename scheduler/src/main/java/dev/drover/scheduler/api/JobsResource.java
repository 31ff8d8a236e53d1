package dev.drover.scheduler.api;

import static dev.drover.scheduler.api.Replies.allow;
import static dev.drover.scheduler.api.Replies.json;
import static dev.drover.scheduler.api.Replies.usd;

import com.sun.net.httpserver.HttpExchange;
import dev.drover.core.port.User;
import dev.drover.core.workload.WorkloadException;
import dev.drover.scheduler.Engine;
import dev.drover.scheduler.billing.Billing;
import dev.drover.scheduler.job.JobState;
import dev.drover.scheduler.model.JobView;
import dev.drover.scheduler.model.Quotas;
import dev.drover.scheduler.model.Submitted;
import dev.drover.scheduler.rerun.Rerun;
import dev.drover.scheduler.why.Why;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /jobs}: submit (or forecast) a job, list them, and one job's status, tasks, results,
 * outputs, cancel, why and rerun. A user sees only their own jobs (404 for anyone else's); an admin all.
 */
final class JobsResource implements Resource {
    /** A submit's header: a retry with the same key (from the same user) answers the first submit's job. */
    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    private static final java.util.regex.Pattern VALID_KEY = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{1,128}");
    private final Engine scheduler;
    private final Billing billing;
    private final Why why;
    private final Rerun rerun;
    private final StreamBudget streams;
    private final long maxBodyBytes;
    private final JobsList everywhere;
    private final Placing placing;

    /** The jobs list as the caller should see it, from this replica's {@code here}: with other replicas', if any. */
    interface JobsList {
        List<JobView> of(HttpExchange ex, User user, List<JobView> here);
    }

    /** Where a new job goes: empty if another replica took the submit (and answered it), else the body to submit here. */
    interface Placing {
        Optional<InputStream> keepHere(HttpExchange ex, User user, InputStream body, List<String> after) throws Exception;
    }

    JobsResource(Engine scheduler, Billing billing, Why why, Rerun rerun, StreamBudget streams, long maxBodyBytes,
                 JobsList everywhere, Placing placing) {
        this.everywhere = everywhere;
        this.placing = placing;
        this.scheduler = scheduler;
        this.billing = billing;
        this.why = why;
        this.rerun = rerun;
        this.streams = streams;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route("GET", "/jobs"), new Route("POST", "/jobs"), new Route("GET", "/jobs/{id}"),
                new Route("GET", "/jobs/{id}/tasks/{seq}"), new Route("GET", "/jobs/{id}/results"),
                new Route("GET", "/jobs/{id}/outputs/{seq}/{path}"), new Route("POST", "/jobs/{id}/cancel"),
                new Route("GET", "/jobs/{id}/why"), new Route("POST", "/jobs/{id}/rerun"));
    }

    @Override
    public void handle(HttpExchange ex, String method, List<String> path, Map<String, String> query, User user) throws Exception {
        if (path.size() == 1) {
            allow(method, "GET", "POST");
            if (method.equals("POST")) {
                submit(ex, query, user);
            } else {
                json(ex, 200, everywhere.of(ex, user, scheduler.list().stream().filter(j -> visible(j, user)).toList()));
            }
            return;
        }
        String jobId = path.get(1);
        String sub = path.size() > 2 ? path.get(2) : "";
        boolean shape = path.size() == 2 || (path.size() == 3 && (sub.equals("results") || sub.equals("cancel") || sub.equals("why")
                || sub.equals("rerun")))
                || (path.size() == 4 && sub.equals("tasks")) || (path.size() >= 5 && sub.equals("outputs"));
        if (!shape) {
            throw Refusal.notFound();
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

    /** {@code results?follow=true}: a stream, which takes from the streams' budget rather than a request permit. */
    static boolean isStream(List<String> path, Map<String, String> query) {
        return path.size() == 3 && path.get(0).equals("jobs") && path.get(2).equals("results") && "true".equals(query.get("follow"));
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
        int priority = Requests.signedInt(query.get("priority"), "priority", JobState.MAX_PRIORITY);
        String declared = ex.getRequestHeaders().getFirst("Content-Length");
        if (declared != null) {
            long length = Requests.number(declared.trim(), "Content-Length");
            if (length > maxBodyBytes) {
                throw new BodyLimit.TooLarge(maxBodyBytes);
            }
        }
        Double budget = query.containsKey("budget") ? usd(query.get("budget"), "budget") : null;
        boolean dryRun = Requests.bool(query.get("dryRun"), "dryRun");
        List<String> after = Requests.jobIds(query.get("after"), "after");
        String key = ex.getRequestHeaders().getFirst(IDEMPOTENCY_KEY);
        if (key != null && !VALID_KEY.matcher(key).matches()) {
            throw new Refusal(400, IDEMPOTENCY_KEY + ": 1 to 128 letters, digits, '-' or '_' (base64url)");
        }
        try {
            if (dryRun) {
                json(ex, 200, billing.forecast(new BodyLimit(ex.getRequestBody(), maxBodyBytes), name, user.name()));
                return;
            }
            InputStream body = new BodyLimit(ex.getRequestBody(), maxBodyBytes);
            Optional<InputStream> here = placing.keepHere(ex, user, body, after); // by load, or near what it waits on
            if (here.isEmpty()) {
                return;
            }
            body = here.get();
            billing.admit(user);
            // the owner is who the token says, whatever the client sends
            Submitted submitted = scheduler.submit(body, name, user.name(), query.get("files"), priority, budget, after, key);
            boolean created = submitted.created();
            json(ex, created ? 201 : 200, submitted.job());
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
}
