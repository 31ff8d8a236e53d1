package dev.drover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.core.codec.Json;
import dev.drover.core.port.ReplicaStore;
import dev.drover.service.EmbeddedAws;
import dev.drover.service.RemoteBackends;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * New work spreads: two {@code drover scheduler -rw --replica} processes on local AWS (no workers, so every task
 * stays not final and the loads hold still). A submit to A while A holds clearly more than B is placed on B (B owns
 * the job, the client got its id from A, and A answers for it); with even loads, or for a small job, it stays on A.
 * A retried submit with the same idempotency key makes no second job, whichever replica it reaches.
 */
class ReplicaPlacementTest {
    EmbeddedAws stack;
    ReplicaStore store;
    final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @BeforeEach
    void startLocalAws() {
        stack = new EmbeddedAws(Optional.empty());
        store = RemoteBackends.replicas(stack.aws, EmbeddedAws.resources(stack.emulators.endpoints())).orElseThrow();
    }

    @AfterEach
    void stopLocalAws() {
        stack.close();
    }

    /** Two replicas, A then B, and the admin's token. */
    private record Replicas(DroverProcess a, DroverProcess b, String aAddress, String bAddress, String token)
            implements AutoCloseable {
        @Override
        public void close() throws InterruptedException {
            b.close();
            a.close();
        }
    }

    private Replicas start() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Map<String, String> env = new HashMap<>(stack.emulators.endpoints().workerEnvironment());
        env.put("HOME", home.toString());
        DroverProcess a = DroverProcess.start(dir.resolve("a.log"), env, "scheduler", "-rw", "--replica", "-s", "0",
                "--data", dir.resolve("a").toString());
        String aAddress = a.awaitListening();
        Thread.sleep(3000); // the first start creates the admin; the second finds it in the shared users table
        DroverProcess b = DroverProcess.start(dir.resolve("b.log"), env, "scheduler", "-rw", "--replica", "-s", "0",
                "--data", dir.resolve("b").toString());
        String bAddress = b.awaitListening();
        ClientEnvironment client = ClientEnvironment.of(Map.of("HOME", home.toString()), dir.toString());
        return new Replicas(a, b, aAddress, bAddress, ServiceCredentials.of(client, aAddress).token().orElseThrow());
    }

    private HttpResponse<String> submit(Replicas r, String address, int tasks, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + address + "/jobs?name=w"))
                .header("Authorization", "Bearer " + r.token())
                .POST(HttpRequest.BodyPublishers.ofString("sleep 600000\n".repeat(tasks)));
        if (key != null) {
            request.header("Idempotency-Key", key);
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new AssertionError("the submit to " + address + " failed\nA's log:\n" + r.a().output() + "\nB's log:\n"
                    + r.b().output(), e);
        }
        assertTrue(response.statusCode() == 201 || response.statusCode() == 200, response.statusCode() + " " + response.body()
                + "\nA's log:\n" + r.a().output());
        return response;
    }

    private static String jobId(HttpResponse<String> response) throws Exception {
        return Json.MAPPER.readTree(response.body()).get("jobId").asText();
    }

    /** The replica id registered at {@code address}. */
    private String replicaAt(String address) {
        return store.replicas().stream().filter(b -> b.address().endsWith(address.substring(address.lastIndexOf(':'))))
                .map(ReplicaStore.Beat::replica).findFirst().orElseThrow();
    }

    private String owner(String jobId) {
        return store.owner(jobId).orElseThrow().replica();
    }

    @Test
    void aNewJobSubmittedToALoadedReplicaIsPlacedOnTheOther() throws Exception {
        try (Replicas r = start()) {
            String a = replicaAt(r.aAddress());
            String b = replicaAt(r.bAddress());
            String big = jobId(submit(r, r.aAddress(), 600, null));
            assertEquals(a, owner(big));
            Thread.sleep(2500); // A has read B's beats since: B holds nothing

            HttpResponse<String> placed = submit(r, r.aAddress(), 50, "placed-key-1");
            assertEquals(201, placed.statusCode(), placed.body());
            String job = jobId(placed);
            assertEquals(b, owner(job), "A (600 tasks not final) placed the new job on B (none)\nA's log:\n" + r.a().output());
            assertTrue(r.a().output().contains("job " + job + " (50 tasks) placed on replica " + b), r.a().output());

            // a retried submit, to A or to B, answers the same job and makes none
            HttpResponse<String> again = submit(r, r.aAddress(), 50, "placed-key-1");
            assertEquals(200, again.statusCode(), again.body());
            assertEquals(job, jobId(again));
            HttpResponse<String> onB = submit(r, r.bAddress(), 50, "placed-key-1");
            assertEquals(200, onB.statusCode(), onB.body());
            assertEquals(job, jobId(onB));

            // the client follows it through A, the replica it submitted to
            HttpResponse<String> status = http.send(HttpRequest.newBuilder(URI.create("http://" + r.aAddress() + "/jobs/" + job))
                    .header("Authorization", "Bearer " + r.token()).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, status.statusCode(), status.body());
            JsonNode view = Json.MAPPER.readTree(status.body());
            assertEquals(50, view.get("total").asInt());
            assertEquals(0, view.get("finishedAt").asLong(), "B's live view, through A");

            // a small job stays where it was submitted, however loaded
            String small = jobId(submit(r, r.aAddress(), 3, null));
            assertEquals(a, owner(small), "a small job stays on A");

            List<String> jobs = store.unfinished().stream().map(ReplicaStore.Owner::jobId).sorted().toList();
            assertEquals(List.of(big, job, small).stream().sorted().toList(), jobs, "three jobs, none twice");
        }
    }

    @Test
    void withEvenLoadsANewJobStaysOnTheReplicaItWasSubmittedTo() throws Exception {
        try (Replicas r = start()) {
            String a = replicaAt(r.aAddress());
            submit(r, r.aAddress(), 300, null);
            submit(r, r.bAddress(), 300, null);
            Thread.sleep(2500); // each has read the other's beats since
            String job = jobId(submit(r, r.aAddress(), 50, "even-key-1"));
            assertEquals(a, owner(job), "even loads: the job stays on A\nA's log:\n" + r.a().output());
            assertTrue(!r.a().output().contains("placed on replica"), r.a().output());
        }
    }
}
