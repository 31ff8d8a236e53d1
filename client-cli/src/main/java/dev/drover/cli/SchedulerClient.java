package dev.drover.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.core.codec.Json;
import dev.drover.core.port.User;
import dev.drover.scheduler.billing.Bill;
import dev.drover.scheduler.billing.Forecast;
import dev.drover.scheduler.model.JobView;
import dev.drover.scheduler.model.TaskView;
import dev.drover.scheduler.tls.Fingerprint;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URLEncoder;
import java.util.List;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.BitSet;

/** The scheduler's HTTP API, from the client side. */
final class SchedulerClient {
    /** The scheduler answered with an error; {@code body} is its JSON. */
    static final class ApiException extends IOException {
        final int status;
        final JsonNode body;

        ApiException(int status, JsonNode body) {
            super(body.path("error").asText("HTTP " + status));
            this.status = status;
            this.body = body;
        }
    }

    private final ReplicaExchange replicas;
    private final String token;
    /** The budget, USD, of the jobs this client submits; null: none. */
    private Double budgetUsd;
    /** The jobs the jobs this client submits wait on ({@code --after}). */
    private List<String> after = List.of();

    SchedulerClient(String hostPort, String token) {
        this(hostPort, token, Optional.empty());
    }

    /**
     * With a pin, the address is HTTPS (HOST:PORT or https://) and only the certificate with that
     * SHA-256 is trusted; without, HOST:PORT is plain HTTP and https:// uses the JDK's trust store.
     * Several addresses, comma-separated, are replicas: see {@link ReplicaExchange#exchange}.
     */
    SchedulerClient(String hostPort, String token, Optional<Fingerprint> pin) {
        this.replicas = new ReplicaExchange(hostPort, pin);
        this.token = token;
    }

    /** 128 random bits, base64url: one a submit, sent again with each retry of it, so the retries make one job. */
    static String idempotencyKey() {
        byte[] bits = new byte[16];
        KEYS.nextBytes(bits);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
    }

    private static final SecureRandom KEYS = new SecureRandom();

    private HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(replicas.base().resolve(pathAndQuery)).header("Authorization", "Bearer " + token);
    }

    /**
     * Follows the job's results to its last, each task's once: when the stream breaks (its replica died)
     * or a replica does not know the job yet (its jobs pass to another within a lease), the stream is
     * opened again, on the next address, and results already handed over are skipped by task number.
     * Gives up when no new result has come for {@code patience}.
     */
    void followResults(String jobId, long total, Consumer<ResultLine> each, Duration patience)
            throws IOException, InterruptedException {
        BitSet seen = new BitSet();
        long[] count = {0};
        // when the last new result came: a stream that breaks after a long run of results resumes elsewhere
        long[] lastProgress = {System.nanoTime()};
        while (true) {
            try {
                results(jobId, true, line -> {
                    ResultLine r = ResultLine.parse(line);
                    if (r.seq() >= 0 && r.seq() < Integer.MAX_VALUE && !seen.get((int) r.seq())) {
                        seen.set((int) r.seq());
                        count[0]++;
                        lastProgress[0] = System.nanoTime();
                        each.accept(r);
                    }
                });
                if (count[0] >= total) {
                    return;
                }
            } catch (IOException e) {
                if (e instanceof ApiException api && api.status != 404 && api.status < 500) {
                    throw api;
                }
                if (System.nanoTime() - lastProgress[0] > patience.toNanos()) {
                    throw e;
                }
            }
            if (count[0] >= total) {
                return;
            }
            replicas.next();
            Thread.sleep(250);
        }
    }

    /** Submits a workload; the scheduler makes the token's user its owner. */
    JobView submit(Path workload, String name) throws IOException, InterruptedException {
        return submit(workload, name, null);
    }

    /** Submits a job whose tasks start in a copy of the files pack {@code files} (null: none), already uploaded. */
    JobView submit(Path workload, String name, String files) throws IOException, InterruptedException {
        return submit(workload, name, files, 0);
    }

    /**
     * The same, with the job's priority among the user's jobs (higher first; 0 is the default and is not sent).
     * The submit carries a fresh idempotency key, so its retries on other replicas make at most one job.
     */
    JobView submit(Path workload, String name, String files, int priority) throws IOException, InterruptedException {
        String query = "?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8) + (files == null ? "" : "&files=" + files)
                + (priority == 0 ? "" : "&priority=" + priority) + (budgetUsd == null ? "" : "&budget=" + budgetUsd)
                + (after.isEmpty() ? "" : "&after=" + URLEncoder.encode(String.join(",", after), StandardCharsets.UTF_8));
        return as(send(request("/jobs" + query).header(ReplicaExchange.IDEMPOTENCY_KEY, idempotencyKey())
                .POST(HttpRequest.BodyPublishers.ofFile(workload)).build()), JOB);
    }

    /** Jobs submitted through this client send no task until these jobs have succeeded (empty: none). */
    SchedulerClient withAfter(List<String> jobIds) {
        this.after = List.copyOf(jobIds);
        return this;
    }

    /** Jobs submitted through this client are cancelled with reason "budget" once they spend {@code usd} (null: none). */
    SchedulerClient withBudget(Double usd) {
        this.budgetUsd = usd;
        return this;
    }

    /** Forecasts a workload's cost and duration from the task times measured so far; nothing is queued. */
    Forecast dryRun(Path workload, String name) throws IOException, InterruptedException {
        return as(send(request("/jobs?dryRun=true&name=" + URLEncoder.encode(name, StandardCharsets.UTF_8))
                .POST(HttpRequest.BodyPublishers.ofFile(workload)).build()), new TypeReference<Forecast>() {});
    }

    /** The bill of {@code user} (null: the token's own, or an admin's of everyone) for jobs since {@code since} (null: all). */
    Bill bill(String user, String since) throws IOException, InterruptedException {
        StringBuilder q = new StringBuilder("/bill");
        char sep = '?';
        if (user != null) {
            q.append(sep).append("user=").append(URLEncoder.encode(user, StandardCharsets.UTF_8));
            sep = '&';
        }
        if (since != null) {
            q.append(sep).append("since=").append(URLEncoder.encode(since, StandardCharsets.UTF_8));
        }
        return as(send(request(q.toString()).GET().build()), new TypeReference<Bill>() {});
    }

    /** True if the scheduler's payload store holds this files pack. */
    boolean hasFiles(String sha256) throws IOException, InterruptedException {
        HttpResponse<String> response = replicas.exchange(request("/files/" + sha256).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 404) {
            return false;
        }
        if (response.statusCode() >= 300) {
            throw new ApiException(response.statusCode(), Json.MAPPER.readTree(response.body()));
        }
        return true;
    }

    /** Uploads a files pack, streamed from its file; true if stored, false if the store had it. */
    boolean putFiles(String sha256, Path pack) throws IOException, InterruptedException {
        JsonNode body = send(request("/files/" + sha256)
                .PUT(HttpRequest.BodyPublishers.ofFile(pack)).build());
        return body.path("uploaded").asBoolean();
    }

    /** One output file of a task, streamed. */
    InputStream output(String jobId, long seq, String path) throws IOException, InterruptedException {
        StringBuilder encoded = new StringBuilder();
        for (String segment : path.split("/")) {
            if (encoded.length() > 0) {
                encoded.append('/');
            }
            encoded.append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        String url = "/jobs/" + jobId + "/outputs/" + seq + "/" + encoded;
        HttpResponse<InputStream> response = replicas.exchange(request(url).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            try (InputStream in = response.body()) {
                throw new ApiException(response.statusCode(), Json.MAPPER.readTree(in));
            }
        }
        return response.body();
    }

    /** The job as the server sends it: the same record. */
    JobView job(String jobId) throws IOException, InterruptedException {
        return as(send(request("/jobs/" + jobId).GET().build()), JOB);
    }

    List<JobView> jobs() throws IOException, InterruptedException {
        return as(send(request("/jobs").GET().build()), JOBS);
    }

    TaskView task(String jobId, long seq) throws IOException, InterruptedException {
        return as(send(request("/jobs/" + jobId + "/tasks/" + seq).GET().build()), TASK);
    }

    private static final TypeReference<JobView> JOB = new TypeReference<>() {};
    private static final TypeReference<List<JobView>> JOBS = new TypeReference<>() {};
    private static final TypeReference<TaskView> TASK = new TypeReference<>() {};
    private static final TypeReference<Map<String, Object>> FLEET = new TypeReference<>() {};

    private static <T> T as(JsonNode body, TypeReference<T> type) throws IOException {
        return Json.MAPPER.readerFor(type).readValue(body);
    }

    JsonNode why(String jobId, Long seq) throws IOException, InterruptedException {
        return send(request("/jobs/" + jobId + "/why" + (seq != null ? "?task=" + seq : "")).GET().build());
    }

    /** A one-time sign-in link for the token's user: the dashboard's URL. */
    String dashboardUrl() throws IOException, InterruptedException {
        JsonNode r = send(request("/session/login").POST(HttpRequest.BodyPublishers.noBody()).build());
        return replicas.base().resolve(r.get("path").asText()).toString();
    }

    JobView cancel(String jobId) throws IOException, InterruptedException {
        return as(send(request("/jobs/" + jobId + "/cancel")
                .POST(HttpRequest.BodyPublishers.noBody()).build()), JOB);
    }

    /** Submits some of a job's tasks anew: {@code group} a failure group's id, or null for every failed task. */
    JobView rerun(String jobId, String group) throws IOException, InterruptedException {
        String body = group == null ? "{\"failed\":true}" : Json.write(Map.of("group", group));
        return as(send(request("/jobs/" + jobId + "/rerun").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build()), JOB);
    }

    List<User> users() throws IOException, InterruptedException {
        return as(send(request("/users").GET().build()), new TypeReference<List<User>>() {});
    }

    JsonNode addUser(String name, boolean admin) throws IOException, InterruptedException {
        return send(request("/users?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8) + "&admin=" + admin)
                .POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    JsonNode addUser(String name, boolean admin, int weight, Double monthlyBudgetUsd) throws IOException, InterruptedException {
        return send(request("/users?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8) + "&admin=" + admin + "&weight=" + weight
                + (monthlyBudgetUsd == null ? "" : "&monthlyBudget=" + monthlyBudgetUsd))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    JsonNode setWeight(String name, int weight) throws IOException, InterruptedException {
        return send(request("/users/" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20") + "?weight=" + weight)
                .method("PATCH", HttpRequest.BodyPublishers.noBody()).build());
    }

    JsonNode removeUser(String name) throws IOException, InterruptedException {
        return send(request("/users/" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"))
                .DELETE().build());
    }

    /** The provisioner's status, by name; empty when the scheduler runs an in-JVM pool. */
    Map<String, Object> fleet() throws IOException, InterruptedException {
        return as(send(request("/fleet").GET().build()), FLEET);
    }

    /** Streams the job's results, one JSON line each; with {@code follow}, until the job is done. */
    void results(String jobId, boolean follow, Consumer<String> line) throws IOException, InterruptedException {
        HttpResponse<InputStream> response = replicas.exchange(
                request("/jobs/" + jobId + "/results?follow=" + follow).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8), 1 << 16)) {
            if (response.statusCode() != 200) {
                JsonNode body;
                try {
                    body = Json.MAPPER.readTree(in);
                } catch (JsonProcessingException e) {
                    body = Json.MAPPER.createObjectNode().put("error", "HTTP " + response.statusCode());
                }
                throw new ApiException(response.statusCode(), body);
            }
            for (String l = in.readLine(); l != null; l = in.readLine()) {
                line.accept(l);
            }
        }
    }

    private JsonNode send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = replicas.exchange(request, HttpResponse.BodyHandlers.ofString());
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(response.body());
        } catch (JsonProcessingException e) {
            body = Json.MAPPER.createObjectNode().put("error", "HTTP " + response.statusCode());
        }
        if (response.statusCode() >= 300) {
            throw new ApiException(response.statusCode(), body);
        }
        return body;
    }
}
