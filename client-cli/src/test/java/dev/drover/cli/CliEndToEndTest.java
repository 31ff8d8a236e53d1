package dev.drover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.core.codec.Json;
import dev.drover.service.SchedulerService;
import dev.drover.service.ServiceOptions;
import dev.drover.scheduler.Scheduler;
import dev.drover.scheduler.auth.Accounts;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI as a client of a real scheduler over HTTP, on the in-JVM pool. */
class CliEndToEndTest {
    @TempDir
    static Path dir;
    static SchedulerService service;
    static Scheduler scheduler;
    static String address;
    static Accounts.Local access;

    @BeforeAll
    static void startScheduler() throws Exception {
        access = Accounts.local(Clock.systemUTC());
        service = SchedulerService.start(ServiceOptions.of(dir.resolve("data"), Clock.systemUTC(), new ServiceOptions.InJvmPool(4))
                .withHttp(ServiceOptions.Http.loopback(access.accounts())));
        scheduler = service.scheduler();
        address = "127.0.0.1:" + service.port();
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    record Run(int code, String out, String err) {}

    static Run drover(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        // the admin's token from $DROVER_TOKEN, and a home of the test's own
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err),
                new ClientEnvironment(Map.of(TokenFile.VARIABLE, access.adminToken()), dir.resolve("home")));
        return new Run(code, out.toString(), err.toString());
    }

    static Path workload(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    static List<JsonNode> lines(Path file) throws Exception {
        return Files.readAllLines(file).stream().map(l -> {
            try {
                return Json.MAPPER.readTree(l);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }).toList();
    }

    /**
     * {@code -s DEAD,FAILING,LIVE}: a replica that refuses connections and one that answers 503 are passed
     * over, and the submit lands on the third with the key it sent to the second: one job.
     */
    @Test
    void aSubmitGoesOnToTheNextReplicaWithItsIdempotencyKeyAndMakesOneJob() throws Exception {
        int dead;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            dead = s.getLocalPort();
        }
        List<String> keysSeen = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer failing = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        failing.createContext("/", ex -> {
            keysSeen.add(String.valueOf(ex.getRequestHeaders().getFirst("Idempotency-Key")));
            ex.getRequestBody().readAllBytes();
            byte[] body = "{\"error\":\"going away\"}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(503, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        failing.start();
        try {
            Path w = workload("retried.txt", "echo once\n");
            Run run = drover("submit", "-s", "127.0.0.1:" + dead + ",127.0.0.1:" + failing.getAddress().getPort() + "," + address,
                    "-w", w.toString());
            assertEquals(0, run.code(), run.err());
            String jobId = run.out().trim();
            assertEquals(1, keysSeen.size(), keysSeen.toString());
            assertTrue(keysSeen.get(0).matches("[A-Za-z0-9_-]{22}"), "128 bits, base64url: " + keysSeen);
            assertEquals(1, scheduler.list().stream().filter(j -> j.name().equals(w.toString())).count(), "one job");
            HttpResponse<String> again = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + address
                            + "/jobs?name=x")).header("Authorization", "Bearer " + access.adminToken())
                    .header("Idempotency-Key", keysSeen.get(0)).POST(HttpRequest.BodyPublishers.ofString("echo once\n")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, again.statusCode(), "the live replica got the same key: " + again.body());
            assertEquals(jobId, Json.MAPPER.readTree(again.body()).get("jobId").asText());
        } finally {
            failing.stop(0);
        }
    }

    @Test
    void runsAMixedWorkloadAndReportsEveryOutcome() throws Exception {
        Path w = workload("mixed.txt", String.join("\n",
                "# sleeps, shell successes, a failure, a timeout and a lot of output",
                "sleep 0", "sleep 50", "echo hello", "echo oops >&2; exit 3",
                "@timeout 500ms", "/bin/sleep 30", "@timeout none",
                "head -c 200000 /dev/zero | tr '\\0' x", "printf 'a\\nb\\n'", ""));
        Path json = dir.resolve("mixed.json");
        Path results = dir.resolve("mixed.jsonl");
        Run run = drover("submit", "-s", address, "-w", w.toString(), "--wait", "--json", json.toString(),
                "--results", results.toString());
        assertEquals(1, run.code, run.err + run.out);
        JsonNode summary = Json.MAPPER.readTree(json.toFile());
        assertEquals(7, summary.get("tasks").asInt());
        assertEquals(5, summary.get("succeeded").asInt());
        assertEquals(2, summary.get("failed").asInt());
        assertEquals(0, summary.get("cancelled").asInt());
        assertTrue(summary.get("latencyMs").has("p99"));
        assertTrue(summary.get("tasksPerSecond").asDouble() > 0);

        Map<Integer, JsonNode> byLine = lines(results).stream().collect(Collectors.toMap(r -> r.get("line").asInt(), r -> r));
        assertEquals(7, byLine.size());
        assertEquals("SUCCEEDED", byLine.get(2).get("status").asText());
        assertEquals("hello\n", byLine.get(4).get("stdout").asText());
        assertEquals("FAILED", byLine.get(5).get("status").asText());
        assertEquals(3, byLine.get(5).get("exitCode").asInt());
        assertEquals("oops\n", byLine.get(5).get("stderr").asText());
        assertEquals("TIMED_OUT", byLine.get(7).get("status").asText());
        assertTrue(byLine.get(7).get("finishedAt").asLong() - byLine.get(7).get("startedAt").asLong() < 10_000);
        JsonNode big = byLine.get(9);
        assertEquals("SUCCEEDED", big.get("status").asText());
        assertTrue(big.get("stdoutTruncated").asBoolean());
        assertEquals(64 * 1024, big.get("stdout").asText().length());
        for (String key : List.of("taskId", "line", "command", "status", "exitCode", "stdout", "stderr", "worker",
                "startedAt", "finishedAt", "attempts")) {
            assertTrue(big.has(key), "result has " + key);
        }
        assertTrue(run.out.contains("[FAILED] line 5"), run.out);
        assertTrue(run.out.contains("7 tasks, 5 succeeded, 2 failed"), run.out);
    }

    @Test
    void cancelStopsQueuedTasksAndKillsRunningOnes() throws Exception {
        Path marks = dir.resolve("marks.txt");
        String task = "echo started >> " + marks + "; /bin/sleep 20; echo finished >> " + marks;
        Path w = workload("slow.txt", (task + "\n").repeat(12));
        Run submitted = drover("submit", "-s", address, "-w", w.toString());
        assertEquals(0, submitted.code, submitted.err);
        String jobId = submitted.out.trim();
        for (int i = 0; i < 100 && (!Files.exists(marks) || Files.readAllLines(marks).size() < 4); i++) {
            Thread.sleep(100);
        }
        Run cancel = drover("cancel", "-s", address, jobId);
        assertEquals(0, cancel.code, cancel.err);
        Run results = drover("results", "-s", address, jobId);
        List<String> statuses = results.out.lines().map(l -> Json.result(l).status().name()).toList();
        assertEquals(12, statuses.size());
        assertTrue(statuses.stream().allMatch("CANCELLED"::equals), statuses.toString());
        Thread.sleep(2500); // the workers notice within a second and kill the process trees
        List<String> m = Files.readAllLines(marks);
        assertEquals(4, m.stream().filter("started"::equals).count(), "only the running tasks started: " + m);
        assertTrue(m.stream().noneMatch("finished"::equals), "running tasks were killed: " + m);
        Run status = drover("status", "-s", address, jobId, "--json");
        assertTrue(status.out.contains("\"state\" : \"CANCELLED\""), status.out);
        Run forPeople = drover("status", "-s", address, jobId);
        assertTrue(forPeople.out.startsWith("job " + jobId) && forPeople.out.contains(": CANCELLED"), forPeople.out);
        assertTrue(forPeople.out.contains("running, 0 succeeded"), forPeople.out);
    }

    @Test
    void statusTaskAndFleetPrintForPeopleAndJsonOnlyWhenAsked() throws Exception {
        String jobId = scheduler.submit(new java.io.ByteArrayInputStream("echo hello\n".getBytes(StandardCharsets.UTF_8)),
                "people.txt", Accounts.ADMIN).jobId();
        scheduler.awaitDone(jobId);
        Run job = drover("status", "-s", address, jobId);
        assertEquals(0, job.code, job.err);
        assertTrue(job.out.contains("tasks     1: 0 queued, 0 running, 1 succeeded"), job.out);
        Run task = drover("status", "-s", address, jobId, "--task", "0");
        assertTrue(task.out.startsWith("task 0 of job " + jobId + ": SUCCEEDED") && task.out.contains("out| hello"), task.out);
        Run fleet = drover("fleet", "-s", address);
        assertEquals(0, fleet.code, fleet.err);
        assertTrue(fleet.out.startsWith("no fleet: this scheduler runs its tasks on an in-JVM pool"), fleet.out);
        assertEquals("{ }", drover("fleet", "-s", address, "--json").out.strip());
    }

    @Test
    void twoClientsRunTwoJobsAtOnce() throws Exception {
        Path a = workload("a.txt", "sleep 20\n".repeat(40));
        Path b = workload("b.txt", "echo b\n".repeat(30));
        CompletableFuture<Run> ra = CompletableFuture.supplyAsync(() -> drover("submit", "-s", address, "-w", a.toString(), "--wait", "-q"));
        CompletableFuture<Run> rb = CompletableFuture.supplyAsync(() -> drover("submit", "-s", address, "-w", b.toString(), "--wait", "-q"));
        assertEquals(0, ra.get().code, ra.get().err);
        assertEquals(0, rb.get().code, rb.get().err);
        assertTrue(ra.get().out.contains("40 tasks, 40 succeeded"), ra.get().out);
        assertTrue(rb.get().out.contains("30 tasks, 30 succeeded"), rb.get().out);
    }

    @Test
    void badInputIsRejectedWholeWithFileLineAndReason() throws Exception {
        int jobsBefore = scheduler.list().size();
        Map<String, String> cases = Map.of(
                "echo fine\nsleep ten\n", ":2: malformed sleep",
                "sleep -1\n", ":1: negative sleep",
                "echo a\n@priority 3\n", ":2: unknown directive '@priority'",
                "# nothing\n\n", ": the workload has no tasks",
                "echo " + "y".repeat(70_000) + "\n", ":1: line longer than");
        int i = 0;
        for (var c : cases.entrySet()) {
            Path w = workload("bad" + i++ + ".txt", c.getKey());
            Run run = drover("submit", "-s", address, "-w", w.toString(), "--wait");
            assertEquals(2, run.code, run.err);
            assertTrue(run.err.contains(w + c.getValue()), run.err);
        }
        Path latin1 = dir.resolve("latin1.txt");
        Files.write(latin1, "echo ok\necho caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        Run run = drover("submit", "-s", address, "-w", latin1.toString());
        assertEquals(2, run.code);
        assertTrue(run.err.contains(latin1 + ":2: not valid UTF-8 text"), run.err);
        Run missing = drover("run", "--local", "1", dir.resolve("nope.txt").toString());
        assertEquals(2, missing.code);
        assertTrue(missing.err.contains("nope.txt: no such file"), missing.err);

        // the scheduler checks too: a client that skips validation still queues nothing
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://" + address + "/jobs?name=raw.txt")).header("Authorization", "Bearer " + access.adminToken())
                .POST(HttpRequest.BodyPublishers.ofString("echo 1\necho 2\nsleep x\n")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, response.statusCode());
        JsonNode error = Json.MAPPER.readTree(response.body());
        assertEquals(3, error.get("line").asInt());
        assertEquals("raw.txt", error.get("source").asText());
        assertEquals(jobsBefore, scheduler.list().size(), "no job was created");
    }

    @Test
    void runStartsItsOwnSchedulerAndExitsWithTheTasksVerdict() throws Exception {
        Path w = workload("run.txt", "sleep 1\necho run-ok\n");
        Path json = dir.resolve("run.json");
        Run run = drover("run", "--local", "2", w.toString(), "--json", json.toString());
        assertEquals(0, run.code, run.err);
        assertTrue(run.out.contains("run-ok"), run.out);
        assertEquals(2, Json.MAPPER.readTree(json.toFile()).get("succeeded").asInt());
    }
}
