package dev.drover.scheduler.billing;

import dev.drover.core.testing.MutableClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.core.Usage;
import dev.drover.core.UsageMeter;
import dev.drover.core.codec.Json;
import dev.drover.core.memory.InMemoryClaimStore;
import dev.drover.core.memory.InMemoryMessageQueue;
import dev.drover.core.memory.InMemoryPayloadStore;
import dev.drover.core.model.Task;
import dev.drover.core.model.TaskStatus;
import dev.drover.scheduler.model.Backend;
import dev.drover.scheduler.Scheduler;
import dev.drover.scheduler.model.SchedulerConfig;
import dev.drover.scheduler.api.HttpApi;
import dev.drover.scheduler.auth.Accounts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bills, dry runs and budgets through the real HTTP API, the test playing the workers. */
class BillingApiTest {
    final HttpClient http = HttpClient.newHttpClient();
    /** The clock that tells billing which month it is; the scheduler's own runs on the system clock. */
    final MutableClock month = new MutableClock(Instant.now());
    InMemoryMessageQueue requests;
    WorkerDouble worker;
    Scheduler scheduler;
    HttpApi api;
    String admin;
    String ann;
    String bob;

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws Exception {
        Clock clock = Clock.systemUTC();
        requests = new InMemoryMessageQueue(clock);
        InMemoryMessageQueue responses = new InMemoryMessageQueue(clock);
        worker = new WorkerDouble(requests, responses);
        Backend backend = new Backend(requests, responses, Optional.empty(), new InMemoryClaimStore(), new InMemoryPayloadStore(),
                Optional.empty(), UsageMeter.NONE);
        scheduler = new Scheduler(SchedulerConfig.defaults(dir, 4).withLostAfter(Duration.ofSeconds(4)), backend, clock).start();
        Accounts.Local local = Accounts.local(clock);
        admin = local.adminToken();
        ann = local.accounts().add("ann", false);
        bob = local.accounts().add("bob", false);
        api = new HttpApi(scheduler, "127.0.0.1", 0, () -> Map.of("workers", 0), local.accounts(), HttpApi.Limits.defaults(),
                month, Duration.ofMillis(50)).start();
    }

    @AfterEach
    void stop() {
        api.close();
        scheduler.close();
    }

    HttpResponse<String> call(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return Json.MAPPER.readTree(r.body());
    }

    String submit(String token, String workload, int expect) throws Exception {
        HttpResponse<String> r = call("POST", "/jobs?name=w.txt", token, workload);
        assertEquals(expect, r.statusCode(), r.body());
        return expect == 201 ? json(r).get("jobId").asText() : r.body();
    }

    @Test
    void aDryRunQueuesNothingAndForecastsKnownSleepsExactly() throws Exception {
        HttpResponse<String> r = call("POST", "/jobs?name=w.txt&dryRun=true", ann, "sleep 100\n".repeat(10));
        assertEquals(200, r.statusCode(), r.body());
        JsonNode f = json(r);
        assertEquals(10, f.get("tasks").asLong());
        assertEquals(1.0, f.get("taskSeconds").asDouble(), 1e-9);
        assertEquals(10, f.get("basis").get("sleep").asLong());
        assertTrue(f.get("explanation").asText().contains("10 exact"), r.body());
        assertEquals(0, json(call("GET", "/jobs", ann, null)).size(), "no job");
        assertEquals(0, requests.depth().visible(), "nothing queued");
        HttpResponse<String> bad = call("POST", "/jobs?name=w.txt&dryRun=true", ann, "sleep -1\n");
        assertEquals(400, bad.statusCode(), bad.body());
        assertEquals(1, json(bad).get("line").asInt());
    }

    @Test
    void aUserSeesOnlyTheirOwnBillAndAnAdminEveryonesAndABadSinceIs400() throws Exception {
        String a = submit(ann, "sleep 10\n", 201);
        String b = submit(bob, "sleep 20\n", 201);
        List<Task> tasks = worker.take(2);
        for (Task t : tasks) {
            worker.report(t.command().equals("sleep 10") ? a : b, t, 10, new Usage(7, 1, 0, 0));
        }
        BillingTest.await(() -> scheduler.list().stream().allMatch(v -> v.finishedAt() > 0));
        JsonNode mine = json(call("GET", "/bill", ann, null));
        assertEquals(1, mine.get("users").size());
        assertEquals("ann", mine.get("users").get(0).get("user").asText());
        assertEquals(a, mine.get("users").get(0).get("jobs").get(0).get("jobId").asText());
        assertEquals(7, mine.get("total").get("sqsRequests").asLong());
        assertEquals(403, call("GET", "/bill?user=bob", ann, null).statusCode());
        assertEquals(200, call("GET", "/bill?user=ann", ann, null).statusCode());
        JsonNode all = json(call("GET", "/bill", admin, null));
        assertEquals(2, all.get("users").size());
        assertEquals(14, all.get("total").get("sqsRequests").asLong());
        assertEquals(1, json(call("GET", "/bill?user=bob", admin, null)).get("users").size());
        HttpResponse<String> bad = call("GET", "/bill?since=yesterday", admin, null);
        assertEquals(400, bad.statusCode(), bad.body());
        assertTrue(json(bad).get("error").asText().startsWith("since:"), bad.body());
        assertEquals(0, json(call("GET", "/bill?since=2999-01-01", admin, null)).get("users").size());
        for (String odd : List.of("%2B999999999-12-31", "2026-13-01", "2026-12-01T25:00:00Z", "T")) {
            assertEquals(400, call("GET", "/bill?since=" + odd, admin, null).statusCode(), odd);
        }
        // the job view carries its EC2 share and its request cost
        JsonNode view = json(call("GET", "/jobs/" + a, ann, null));
        assertTrue(view.has("ec2Usd") && view.has("requestUsd") && view.has("taskSeconds"), view.toString());
    }

    @Test
    void aSubmissionOfAUserWhoseMonthlyBudgetIsSpentIs429UntilNextMonth() throws Exception {
        HttpResponse<String> added = call("POST", "/users?name=carol&monthlyBudget=0.00001", admin, null);
        assertEquals(201, added.statusCode(), added.body());
        assertEquals(400, call("POST", "/users?name=dave&monthlyBudget=lots", admin, null).statusCode());
        String carol = json(added).get("token").asText();
        String job = submit(carol, "sleep 1000\nsleep 1000\nsleep 1000\n", 201);
        List<Task> taken = worker.take(1);
        worker.report(job, taken.get(0), 1000, new Usage(100, 0, 0, 0)); // $0.00004
        // the reason is marked first, the cancelled tasks are recorded after: wait for the job's end
        BillingTest.await(() -> scheduler.status(job).orElseThrow().finishedAt() != 0);
        assertEquals("budget", scheduler.status(job).orElseThrow().cancelReason());
        assertEquals(2, scheduler.status(job).orElseThrow().counts().get(TaskStatus.CANCELLED));
        String refused = submit(carol, "sleep 1\n", 429);
        assertTrue(refused.contains("monthly budget"), refused);
        JsonNode why = json(call("GET", "/jobs/" + job + "/why?task=2", carol, null));
        assertEquals("budget", why.get("reasons").get(0).get("code").asText(), why.toString());
        month.advance(Duration.ofDays(32)); // a new month: the old jobs count in theirs
        submit(carol, "sleep 1\n", 201);
    }

    @Test
    void aJobsBudgetIsAFiniteNumberOfDollars() throws Exception {
        for (String bad : List.of("-1", "NaN", "Infinity", "1e400", "two", "")) {
            HttpResponse<String> r = call("POST", "/jobs?name=w.txt&budget=" + bad, ann, "sleep 1\n");
            assertEquals(400, r.statusCode(), bad + ": " + r.body());
        }
        HttpResponse<String> ok = call("POST", "/jobs?name=w.txt&budget=2.5", ann, "sleep 1\n");
        assertEquals(201, ok.statusCode(), ok.body());
        assertEquals(2.5, json(ok).get("budgetUsd").asDouble());
    }
}
