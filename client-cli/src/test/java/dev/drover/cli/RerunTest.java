package dev.drover.cli;

import dev.drover.service.SchedulerService;
import dev.drover.service.ServiceOptions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.core.codec.Json;
import dev.drover.core.memory.InMemoryUserStore;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import dev.drover.scheduler.Scheduler;
import dev.drover.scheduler.api.HttpApi;
import dev.drover.scheduler.auth.Accounts;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /jobs/{id}/rerun} and {@code drover rerun} on the in-JVM pool: a job of 10 tasks of which 3 fail
 * is rerun as a job of exactly those 3 lines, with their directives (the rerun of a replica that failed because
 * of its replica number and {@code @env} value fails again the same way); one failure group; another user's job.
 */
class RerunTest {
    static final String DISK_FULL = "sh -c 'echo \"disk full\" >&2; exit 3'";
    static final String BY_REPLICA = "sh -c 'if [ \"$DROVER_REPLICA\" = 1 ]; then echo \"bad replica $COLOR\" >&2; exit 5; fi'";
    static final String WORKLOAD = """
            @timeout 30s
            echo ok 0
            %1$s
            echo ok 2
            echo ok 3
            %1$s
            echo ok 5
            echo ok 6
            @env COLOR=blue
            @replicas 2
            %2$s
            @replicas 1
            echo ok 9
            """.formatted(DISK_FULL, BY_REPLICA);
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;
    SchedulerService service;
    Scheduler scheduler;
    HttpApi api;
    String adminToken;
    String annToken;
    String bobToken;
    String job;

    @BeforeEach
    void start() throws Exception {
        Clock clock = Clock.systemUTC();
        service = SchedulerService.start(ServiceOptions.of(dir.resolve("data"), clock, new ServiceOptions.InJvmPool(2)));
        scheduler = service.scheduler();
        Accounts accounts = new Accounts(new InMemoryUserStore(dir.resolve("users.json")), clock);
        adminToken = accounts.bootstrap().orElseThrow();
        annToken = accounts.add("ann", false);
        bobToken = accounts.add("bob", false);
        api = new HttpApi(scheduler, "127.0.0.1", 0, Map::of, accounts).start();
        job = scheduler.submit(new ByteArrayInputStream(WORKLOAD.getBytes(StandardCharsets.UTF_8)), "ten.txt", "ann").jobId();
        scheduler.awaitDone(job);
        assertEquals(3, scheduler.status(job).orElseThrow().counts().get(TaskStatus.FAILED));
    }

    @AfterEach
    void stop() {
        api.close();
        service.close();
    }

    HttpResponse<String> post(String path, String token, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode get(String path, String token) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return Json.MAPPER.readTree(r.body());
    }

    List<TaskResult> results(String jobId) throws Exception {
        scheduler.awaitDone(jobId);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        scheduler.streamResults(jobId, out, false);
        List<TaskResult> all = new ArrayList<>(out.toString(StandardCharsets.UTF_8).lines().map(Json::result).toList());
        all.sort(java.util.Comparator.comparingLong(TaskResult::seq));
        return all;
    }

    @Test
    void failedTasksAreRerunAsANewJobOfExactlyThoseLinesWithTheirDirectives() throws Exception {
        HttpResponse<String> r = post("/jobs/" + job + "/rerun", annToken, "{\"failed\": true}");
        assertEquals(201, r.statusCode(), r.body());
        JsonNode rerun = Json.MAPPER.readTree(r.body());
        String id = rerun.get("jobId").asText();
        assertEquals("ann", rerun.get("owner").asText());
        assertEquals(3, rerun.get("total").asLong());
        String lines = Files.readString(scheduler.job(id).orElseThrow().workload());
        assertEquals(List.of(DISK_FULL, DISK_FULL, BY_REPLICA),
                lines.lines().filter(l -> !l.startsWith("@")).toList(), lines);
        assertTrue(lines.contains("@timeout 30000ms") && lines.contains("@env COLOR=blue") && lines.contains("@replica 1"), lines);

        List<TaskResult> again = results(id);
        assertEquals(3, again.size());
        assertTrue(again.stream().allMatch(t -> t.status() == TaskStatus.FAILED), again.toString());
        assertEquals(List.of(3, 3, 5), again.stream().map(TaskResult::exitCode).toList());
        // the same replica number and variable reached the task: it failed for the same reason
        assertEquals(1, again.get(2).replica());
        assertEquals("bad replica blue", again.get(2).stderr().strip());
    }

    @Test
    void oneFailureGroupIsRerunByTheIdTheDashboardShows() throws Exception {
        JsonNode failures = get("/dashboard/jobs/" + job, annToken).get("failures");
        assertEquals(2, failures.size(), failures.toString());
        JsonNode disk = null;
        for (JsonNode f : failures) {
            if (f.get("firstLine").asText().equals("disk full")) {
                disk = f;
            }
        }
        assertTrue(disk != null && disk.get("count").asLong() == 2, failures.toString());
        String group = disk.get("id").asText();
        assertTrue(group.matches("[0-9a-f]{12}"), group);

        HttpResponse<String> r = post("/jobs/" + job + "/rerun", annToken, "{\"group\": \"" + group + "\"}");
        assertEquals(201, r.statusCode(), r.body());
        String id = Json.MAPPER.readTree(r.body()).get("jobId").asText();
        assertEquals(List.of(DISK_FULL, DISK_FULL), results(id).stream().map(TaskResult::command).toList());
        // the same cause gets the same id in the new job
        assertEquals(group, get("/dashboard/jobs/" + id, annToken).get("failures").get(0).get("id").asText());

        assertEquals(404, post("/jobs/" + job + "/rerun", annToken, "{\"group\": \"000000000000\"}").statusCode());
        assertEquals(400, post("/jobs/" + job + "/rerun", annToken, "{\"group\": 7}").statusCode());
        assertEquals(400, post("/jobs/" + job + "/rerun", annToken, "{}").statusCode());
        assertEquals(400, post("/jobs/" + job + "/rerun", annToken, "not json").statusCode());
    }

    @Test
    void onlyTheOwnerOrAnAdminMayRerunAndTheNewJobIsTheCallers() throws Exception {
        HttpResponse<String> bob = post("/jobs/" + job + "/rerun", bobToken, "{\"failed\": true}");
        assertEquals(404, bob.statusCode(), bob.body());
        assertEquals(1, scheduler.list().size(), "nothing was submitted for bob");
        HttpResponse<String> admin = post("/jobs/" + job + "/rerun", adminToken, "{\"failed\": true}");
        assertEquals(201, admin.statusCode(), admin.body());
        assertEquals(Accounts.ADMIN, Json.MAPPER.readTree(admin.body()).get("owner").asText());

        String clean = scheduler.submit(new ByteArrayInputStream("echo fine\n".getBytes(StandardCharsets.UTF_8)), "ok.txt", "ann")
                .jobId();
        scheduler.awaitDone(clean);
        assertEquals(409, post("/jobs/" + clean + "/rerun", annToken, "{\"failed\": true}").statusCode());
    }

    @Test
    void theCliRerunsFailedTasksOrAGroupAndPrintsTheNewJob() throws Exception {
        Map<String, String> env = Map.of(TokenFile.VARIABLE, annToken);
        String address = "127.0.0.1:" + api.port();
        Outcome plain = drover(env, "rerun", job, "--failed", "-s", address);
        assertEquals(0, plain.code, plain.err);
        String id = plain.out.strip();
        assertEquals(3, scheduler.status(id).orElseThrow().total());

        String group = get("/dashboard/jobs/" + job, annToken).get("failures").get(0).get("id").asText();
        Outcome json = drover(env, "rerun", job, "--group", group, "--json", "-s", address);
        assertEquals(0, json.code, json.err);
        JsonNode made = Json.MAPPER.readTree(json.out);
        assertEquals("ann", made.get("owner").asText());
        assertEquals(2, made.get("total").asLong());

        Outcome waited = drover(env, "rerun", job, "--group", group, "--wait", "--json", "-s", address);
        assertEquals(1, waited.code, "its tasks fail again: " + waited.err);
        JsonNode summary = Json.MAPPER.readTree(waited.out);
        assertEquals(job, summary.get("rerunOf").asText());

        Outcome bad = drover(env, "rerun", job, "--failed", "--group", group, "-s", address);
        assertEquals(2, bad.code, "--failed and --group together: " + bad.err);
        Outcome bob = drover(Map.of(TokenFile.VARIABLE, bobToken), "rerun", job, "--failed", "-s", address);
        assertEquals(1, bob.code);
        assertTrue(bob.err.contains("no such job"), bob.err);
    }

    record Outcome(int code, String out, String err) {}

    static Outcome drover(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err), new ClientEnvironment(env, Path.of("/nonexistent")));
        return new Outcome(code, out.toString(), err.toString());
    }
}
