package dev.drover.cli.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.core.codec.Json;
import dev.drover.core.model.TaskResult;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/** The scheduler's HTTP API as the harness uses it; every call has a timeout, so a hung scheduler cannot hang the harness. */
final class JobClient {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration RESULTS_TIMEOUT = Duration.ofSeconds(60);

    private final URI base;
    private final Supplier<String> token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** @param token an admin's token, asked for at each call (a child scheduler writes it when it first starts) */
    JobClient(String hostPort, Supplier<String> token) {
        this.base = URI.create("http://" + hostPort);
        this.token = token;
    }

    private HttpRequest.Builder authorized(HttpRequest.Builder request) {
        return request.header("Authorization", "Bearer " + token.get());
    }

    String submit(String workload, String name) throws IOException, InterruptedException {
        return call(HttpRequest.newBuilder(base.resolve("/jobs?name=" + name))
                .POST(HttpRequest.BodyPublishers.ofString(workload, StandardCharsets.UTF_8)), TIMEOUT)
                .path("jobId").asText();
    }

    JsonNode job(String jobId) throws IOException, InterruptedException {
        return call(HttpRequest.newBuilder(base.resolve("/jobs/" + jobId)).GET(), TIMEOUT);
    }

    /** True when the job is DONE or CANCELLED. */
    boolean ended(String jobId) throws IOException, InterruptedException {
        String state = job(jobId).path("state").asText();
        return state.equals("DONE") || state.equals("CANCELLED");
    }

    long count(String jobId, String status) throws IOException, InterruptedException {
        return job(jobId).path("counts").path(status).asLong();
    }

    List<TaskResult> results(String jobId) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(authorized(HttpRequest.newBuilder(base.resolve("/jobs/" + jobId + "/results?follow=false")))
                .timeout(RESULTS_TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("results of " + jobId + ": HTTP " + response.statusCode() + " " + response.body());
        }
        return response.body().lines().filter(l -> !l.isBlank()).map(Json::result).toList();
    }

    boolean healthy() {
        try {
            return http.send(HttpRequest.newBuilder(base.resolve("/health")).timeout(Duration.ofSeconds(1)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private JsonNode call(HttpRequest.Builder request, Duration timeout) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(authorized(request).timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IOException("HTTP " + response.statusCode() + ": " + response.body());
        }
        return Json.MAPPER.readTree(response.body());
    }
}
