package dev.drover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.core.codec.Json;
import dev.drover.core.model.JobStatus;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import dev.drover.localaws.ProcessFleetLauncher;
import dev.drover.scheduler.forward.ReplicaCredential;
import dev.drover.scheduler.model.JobView;
import dev.drover.service.EmbeddedAws;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Any replica answers: two {@code drover scheduler -rw --replica} processes on local AWS, a job submitted to
 * A and running there, and every question about it asked of B only: status, results, a follow, why, the jobs
 * list and cancel, each answered as A would (B forwards to A, the job's owner). Another user gets 404 on B as
 * on A, and a client that sends the replicas' forwarding header itself is refused, not taken for the name in it.
 */
class ReplicaAnswersEndToEndTest {
    static final Clock CLOCK = Clock.systemUTC();
    /** A stack a test: each test's first replica makes the admin, whose token the test reads. */
    EmbeddedAws stack;

    @TempDir
    Path dir;

    @BeforeEach
    void startLocalAws() {
        stack = new EmbeddedAws(Optional.empty());
    }

    @AfterEach
    void stopLocalAws() {
        stack.close();
    }

    record Run(int code, String out, String err) {}

    static Run drover(ClientEnvironment env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err), env);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void replicaBAnswersForTheJobReplicaAOwnsWhileItRuns() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Map<String, String> env = new HashMap<>(stack.emulators.endpoints().workerEnvironment());
        env.put("HOME", home.toString());
        // four quick tasks give results to read; the long ones keep the job running on A
        Path workload = Files.writeString(dir.resolve("w.txt"), "true\n".repeat(4) + "sleep 600000\n".repeat(16));
        try (DroverProcess a = DroverProcess.start(dir.resolve("a.log"), env, "scheduler", "-rw", "--replica", "-s", "0",
                "--data", dir.resolve("a").toString());
             DroverProcess b = startSecond(env);
             ProcessFleetLauncher fleet = new ProcessFleetLauncher(EmbeddedAws.workerCommand(8, "60s"),
                     stack.emulators.endpoints().workerEnvironment(), dir.resolve("workers"), CLOCK)) {
            String aAddress = a.awaitListening();
            String bAddress = b.awaitListening();
            fleet.launch(1);
            ClientEnvironment client = ClientEnvironment.of(Map.of("HOME", home.toString()), dir.toString());
            String admin = ServiceCredentials.of(client, aAddress).token().orElseThrow();
            SchedulerClient onA = new SchedulerClient(aAddress, admin);
            JobView submitted = onA.submit(workload, "w");
            String jobId = submitted.jobId();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (onA.job(jobId).counts().getOrDefault(TaskStatus.SUCCEEDED, 0L) < 4) {
                assertTrue(System.nanoTime() < deadline, "the quick tasks did not succeed on A:\n" + a.output());
                Thread.sleep(200);
            }
            Thread.sleep(2000); // B has read A's heartbeat (every second locally)

            Run status = drover(client, "status", jobId, "-s", bAddress, "--json");
            assertEquals(0, status.code(), status.err() + "\nB's log:\n" + b.output());
            JsonNode view = Json.MAPPER.readTree(status.out());
            assertEquals(jobId, view.get("jobId").asText());
            assertEquals("RUNNING", view.get("state").asText(), "B answered with A's live view, not an ended record");

            Run results = drover(client, "results", jobId, "-s", bAddress);
            assertEquals(0, results.code(), results.err());
            List<TaskResult> done = results.out().lines().map(Json::result).toList();
            assertEquals(4, done.size(), results.out());
            assertTrue(done.stream().allMatch(r -> r.status() == TaskStatus.SUCCEEDED));

            Run why = drover(client, "why", jobId, "--task", "10", "-s", bAddress);
            assertEquals(0, why.code(), why.out() + why.err());
            assertTrue(!why.out().isBlank(), "why answered through B");

            Run jobs = drover(client, "jobs", "-s", bAddress);
            assertEquals(0, jobs.code(), jobs.err());
            assertTrue(jobs.out().contains(jobId), "B's jobs list holds A's running job: " + jobs.out());

            Run bill = drover(client, "bill", "-s", bAddress, "--json");
            assertEquals(0, bill.code(), bill.err());
            assertTrue(bill.out().contains(jobId), "B's bill holds A's running job: " + bill.out());

            // the dashboard's all-jobs event stream on B holds A's job
            HttpClient http = HttpClient.newHttpClient();
            String snapshot = firstEvent(http, bAddress, admin);
            assertTrue(snapshot.startsWith("event: snapshot") && snapshot.contains("\"jobId\":\"" + jobId + "\""),
                    "B's all-jobs stream holds A's running job: " + snapshot);

            // another user: 404 on B as on A, for A's job
            HttpResponse<String> added = http.send(HttpRequest.newBuilder(URI.create("http://" + aAddress + "/users?name=bob"))
                    .header("Authorization", "Bearer " + admin).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(201, added.statusCode(), added.body());
            String bob = Json.MAPPER.readTree(added.body()).get("token").asText();
            for (String path : List.of("/jobs/" + jobId, "/jobs/" + jobId + "/results", "/jobs/" + jobId + "/why")) {
                assertEquals(404, get(http, bAddress, path, Map.of("Authorization", "Bearer " + bob)).statusCode(), path);
                assertEquals(404, get(http, aAddress, path, Map.of("Authorization", "Bearer " + bob)).statusCode(), path);
            }
            HttpResponse<String> bobsJobs = get(http, bAddress, "/jobs", Map.of("Authorization", "Bearer " + bob));
            assertEquals(200, bobsJobs.statusCode());
            assertTrue(!bobsJobs.body().contains(jobId), "bob's list on B leaves out admin's job on A: " + bobsJobs.body());
            String bobsSnapshot = firstEvent(http, bAddress, bob);
            assertTrue(bobsSnapshot.startsWith("event: snapshot") && !bobsSnapshot.contains(jobId),
                    "bob's stream on B leaves out admin's job on A: " + bobsSnapshot);

            // the forwarding header from a client is refused, with or without a token of its own, on either replica
            String forged = "admin;" + CLOCK.millis() + ";AAAA";
            for (String at : List.of(aAddress, bAddress)) {
                assertEquals(401, get(http, at, "/jobs/" + jobId, Map.of(ReplicaCredential.HEADER, forged)).statusCode());
                assertEquals(401, get(http, at, "/jobs/" + jobId, Map.of(ReplicaCredential.HEADER, forged,
                        "Authorization", "Bearer " + bob)).statusCode());
            }

            // a follow through B, then a cancel through B: the follow ends with every task once
            CompletableFuture<Run> follow = CompletableFuture.supplyAsync(() -> drover(client, "results", jobId, "--follow",
                    "-s", bAddress));
            Thread.sleep(1500);
            assertTrue(!follow.isDone(), "the follow through B waits for the running job: " + (follow.isDone() ? follow.get() : ""));
            Run cancel = drover(client, "cancel", jobId, "-s", bAddress);
            assertEquals(0, cancel.code(), cancel.out() + cancel.err());
            JobView onOwner = onA.job(jobId);
            assertEquals(JobStatus.CANCELLED, onOwner.state(), "the cancel reached the owner: " + onOwner);
            Run followed = follow.get(60, TimeUnit.SECONDS);
            assertEquals(0, followed.code(), followed.err());
            List<TaskResult> all = followed.out().lines().map(Json::result).toList();
            assertEquals(20, all.size(), followed.out());
            assertEquals(20, all.stream().map(TaskResult::seq).distinct().count(), "each task once");
            assertEquals(16, all.stream().filter(r -> r.status() == TaskStatus.CANCELLED).count());
            assertNotEquals(aAddress, bAddress);
        }
    }

    /**
     * A follow through B of A's job, and A's host lost (SIGSTOP: its connections stay open and silent, as when a
     * host vanishes, unlike a kill, whose connections close): B cuts the forwarded stream once it judges A gone,
     * the client asks again, B takes the job over and answers itself, and the follow ends with every task once.
     */
    @Test
    void aFollowThroughBOutlivesTheLossOfTheOwnersHost() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Map<String, String> env = new HashMap<>(stack.emulators.endpoints().workerEnvironment());
        env.put("HOME", home.toString());
        Path workload = Files.writeString(dir.resolve("w.txt"), "sleep 1500\n".repeat(64));
        try (DroverProcess a = DroverProcess.start(dir.resolve("a.log"), env, "scheduler", "-rw", "--replica", "-s", "0",
                "--data", dir.resolve("a").toString());
             DroverProcess b = startSecond(env);
             ProcessFleetLauncher fleet = new ProcessFleetLauncher(EmbeddedAws.workerCommand(8, "60s"),
                     stack.emulators.endpoints().workerEnvironment(), dir.resolve("workers"), CLOCK)) {
            String aAddress = a.awaitListening();
            String bAddress = b.awaitListening();
            fleet.launch(1);
            ClientEnvironment client = ClientEnvironment.of(Map.of("HOME", home.toString()), dir.toString());
            SchedulerClient onA = new SchedulerClient(aAddress, ServiceCredentials.of(client, aAddress).token().orElseThrow());
            String jobId = onA.submit(workload, "w").jobId();
            Thread.sleep(2000); // B has read A's heartbeat
            CompletableFuture<Run> follow = CompletableFuture.supplyAsync(() -> drover(client, "results", jobId, "--follow",
                    "-s", bAddress));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (onA.job(jobId).counts().getOrDefault(TaskStatus.SUCCEEDED, 0L) < 8) {
                assertTrue(System.nanoTime() < deadline, "no results on A:\n" + a.output());
                Thread.sleep(100);
            }
            ProcessHandle host = a.handle().orElseThrow();
            new ProcessBuilder("kill", "-STOP", Long.toString(host.pid())).start().waitFor();
            try {
                Run followed = follow.get(120, TimeUnit.SECONDS);
                assertEquals(0, followed.code(), followed.err() + "\nB's log:\n" + b.output());
                List<TaskResult> all = followed.out().lines().map(Json::result).toList();
                assertEquals(64, all.size(), followed.out());
                assertEquals(64, all.stream().map(TaskResult::seq).distinct().count(), "each task once");
                assertTrue(all.stream().allMatch(r -> r.status() == TaskStatus.SUCCEEDED));
                assertTrue(b.output().contains("its forwarded stream is cut"), "B cut the stream of the silent owner:\n" + b.output());
            } finally {
                new ProcessBuilder("kill", "-CONT", Long.toString(host.pid())).start().waitFor();
            }
        }
    }

    /** Over HTTPS, replicas sharing one certificate forward to each other, trusting exactly that certificate. */
    @Test
    void replicasOverHttpsForwardToEachOther() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Map<String, String> env = new HashMap<>(stack.emulators.endpoints().workerEnvironment());
        env.put("HOME", home.toString());
        Path workload = Files.writeString(dir.resolve("w.txt"), "sleep 600000\n".repeat(4));
        String tls = dir.resolve("tls").toString(); // one certificate, as the deployed replicas share one
        try (DroverProcess a = DroverProcess.start(dir.resolve("a.log"), env, "scheduler", "-rw", "--replica", "-s", "0",
                "--data", dir.resolve("a").toString(), "--tls-self-signed", tls);
             DroverProcess b = startSecond(env, "--tls-self-signed", tls)) {
            String aAddress = a.awaitListening();
            String bAddress = b.awaitListening();
            ClientEnvironment client = ClientEnvironment.of(Map.of("HOME", home.toString()), dir.toString());
            Run submitted = drover(client, "submit", "-s", aAddress, "-w", workload.toString());
            assertEquals(0, submitted.code(), submitted.err());
            String jobId = submitted.out().lines().findFirst().orElseThrow().trim();
            Thread.sleep(2000); // B has read A's heartbeat
            Run status = drover(client, "status", jobId, "-s", bAddress, "--json");
            assertEquals(0, status.code(), status.err() + "\nB's log:\n" + b.output());
            JsonNode view = Json.MAPPER.readTree(status.out());
            assertEquals(jobId, view.get("jobId").asText());
            assertEquals(0, view.get("finishedAt").asLong(), "A's live view, through B over HTTPS");
        }
    }

    /** The first event of {@code GET /events} on the replica at {@code address}: its {@code event:} and {@code data:} lines. */
    private static String firstEvent(HttpClient http, String address, String token) throws Exception {
        HttpResponse<Stream<String>> events = http.send(HttpRequest.newBuilder(URI.create("http://" + address
                + "/events")).header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, events.statusCode());
        try (Stream<String> lines = events.body()) {
            StringBuilder event = new StringBuilder();
            Iterator<String> it = lines.iterator();
            while (it.hasNext()) {
                String line = it.next();
                if (line.startsWith("event:")) {
                    event.append(line).append('\n');
                } else if (line.startsWith("data:") && event.length() > 0) {
                    return event.append(line).toString();
                }
            }
            throw new AssertionError("the event stream ended before its first event");
        }
    }

    private static HttpResponse<String> get(HttpClient http, String address, String path, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + address + path)).GET();
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private DroverProcess startSecond(Map<String, String> env, String... more) throws Exception {
        Thread.sleep(3000); // the first start creates the admin; the second finds it in the shared users table
        List<String> args = new java.util.ArrayList<>(List.of("scheduler", "-rw", "--replica", "-s", "0",
                "--data", dir.resolve("b").toString()));
        args.addAll(List.of(more));
        return DroverProcess.start(dir.resolve("b.log"), env, args.toArray(String[]::new));
    }
}
