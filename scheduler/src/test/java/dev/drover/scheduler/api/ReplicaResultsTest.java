package dev.drover.scheduler.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.drover.core.Usage;
import dev.drover.core.UsageMeter;
import dev.drover.core.codec.Json;
import dev.drover.core.memory.InMemoryClaimStore;
import dev.drover.core.memory.InMemoryMessageQueue;
import dev.drover.core.memory.InMemoryPayloadStore;
import dev.drover.core.memory.InMemoryReplicaStore;
import dev.drover.core.model.Bundle;
import dev.drover.core.model.ResultBatch;
import dev.drover.core.model.ResultProof;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStart;
import dev.drover.core.model.TaskStatus;
import dev.drover.core.port.Message;
import dev.drover.core.port.MessageQueue;
import dev.drover.scheduler.Scheduler;
import dev.drover.scheduler.auth.Accounts;
import dev.drover.scheduler.forward.OwnerRouting;
import dev.drover.scheduler.forward.Placement;
import dev.drover.scheduler.forward.ReplicaCredential;
import dev.drover.scheduler.forward.ReplicaLink;
import dev.drover.scheduler.model.Backend;
import dev.drover.scheduler.model.SchedulerConfig;
import dev.drover.scheduler.tls.Transport;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /replica/results}: only a replica may hand this one result messages, and it answers 200 only
 * once it has recorded them, 409 for messages of jobs it does not hold, 400 for a body that is not such messages.
 */
class ReplicaResultsTest {
    static final byte[] SHARED = new byte[32];
    final Clock clock = Clock.systemUTC();
    final MessageQueue requests = new InMemoryMessageQueue(clock);
    final ReplicaCredential credential = ReplicaCredential.derivedFrom(SHARED, clock);
    final HttpClient http = HttpClient.newHttpClient();
    Scheduler scheduler;
    HttpApi api;
    String annToken;

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws Exception {
        Backend backend = new Backend(requests, new InMemoryMessageQueue(clock), Optional.empty(), new InMemoryClaimStore(),
                new InMemoryPayloadStore(), Optional.empty(), UsageMeter.NONE);
        scheduler = new Scheduler(SchedulerConfig.defaults(dir.resolve("data"), 2), backend, clock).start();
        Accounts.Local local = Accounts.local(clock);
        annToken = local.accounts().add("ann", false);
        api = new HttpApi(scheduler, "127.0.0.1", 0, Map::of, local.accounts(), HttpApi.Limits.defaults(), Transport.plain())
                .start().forwarding(new OwnerRouting(new InMemoryReplicaStore(new dev.drover.core.memory.InMemoryJobStore()), "r-here", Map::of),
                        new ReplicaLink(credential, Transport.plain()), new Placement(List::of, () -> 0),
                        scheduler.collectors().handIn());
    }

    @AfterEach
    void stop() {
        api.close();
        scheduler.close();
    }

    String address() {
        return "127.0.0.1:" + api.port();
    }

    int post(String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://" + address() + ReplicaLink.RESULTS))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(r::header);
        return http.send(r.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    int asReplica(String body) throws Exception {
        return post(body, Map.of(ReplicaCredential.HEADER, credential.sign(ReplicaCredential.REPLICA, "POST", ReplicaLink.RESULTS)));
    }

    static String handOver(String id, String body) {
        return Json.write(Map.of("messages", List.of(Map.of("id", id, "body", body))));
    }

    /** A worker's result message for the one task of {@code b}, proved by its seal. */
    ResultBatch resultOf(Bundle b) {
        long now = clock.millis();
        List<TaskResult> rs = b.tasks().stream().map(t -> new TaskResult(b.jobId(), t.seq(), 1, "echo x", TaskStatus.SUCCEEDED,
                0, "x\n", "", false, false, "w1", now - 20, now - 10, now, 1, null)).toList();
        List<TaskStart> ss = b.tasks().stream().map(t -> new TaskStart(b.jobId(), t.seq(), now - 10)).toList();
        return new ResultBatch("w1", b.jobId(), Usage.ZERO, 0, rs, ss, List.of(ResultProof.sign(b.seal(), rs, ss)));
    }

    @Test
    void aUsersTokenIsRefusedAndSoIsNoCredentialOrAUsersForwardedName() throws Exception {
        String body = handOver("m1", Json.routed(resultOf(bundleOfNewJob())));
        assertEquals(403, post(body, Map.of("Authorization", "Bearer " + annToken)), "a user may not hand results in");
        assertEquals(401, post(body, Map.of()));
        assertEquals(401, post(body, Map.of(ReplicaCredential.HEADER, credential.sign("ann", "POST", ReplicaLink.RESULTS))),
                "a user's request forwarded by a replica is not a replica's own");
        ReplicaCredential other = ReplicaCredential.derivedFrom(filled((byte) 7), clock);
        assertEquals(401, post(body, Map.of(ReplicaCredential.HEADER, other.sign(ReplicaCredential.REPLICA, "POST",
                ReplicaLink.RESULTS))), "signed with another stack's key");
    }

    @Test
    void aBodyThatIsNotResultMessagesIs400AndNothingIsRecorded() throws Exception {
        Bundle b = bundleOfNewJob();
        assertEquals(400, asReplica("not json"));
        assertEquals(400, asReplica("{\"messages\":[]}"));
        assertEquals(400, asReplica("{\"messages\":[{\"id\":\"m1\"}]}"));
        assertEquals(400, asReplica(handOver("m1", "{\"worker\": [")));
        assertEquals(400, asReplica(Json.write(Map.of("messages", List.of(Map.of("id", "m1", "body", Json.routed(resultOf(b))),
                Map.of("id", "m2", "body", "garbage"))))), "one bad message refuses the request");
        assertEquals(0L, scheduler.status(b.jobId()).orElseThrow().counts().getOrDefault(TaskStatus.SUCCEEDED, 0L));
    }

    @Test
    void aReplicasHandOverIsRecordedBefore200AndOneOfAJobNotHeldHereIs409() throws Exception {
        Bundle b = bundleOfNewJob();
        ReplicaLink link = new ReplicaLink(credential, Transport.plain());
        Message m = new Message("m1", "receipt", Json.routed(resultOf(b)), 2);
        assertEquals(Set.of("m1"), link.results(address(), List.of(m)));
        assertEquals(1L, scheduler.status(b.jobId()).orElseThrow().counts().get(TaskStatus.SUCCEEDED), "recorded when it answered");
        assertEquals(Set.of("m1"), link.results(address(), List.of(m)), "again: recorded once, answered as recorded");
        assertEquals(1L, scheduler.status(b.jobId()).orElseThrow().counts().get(TaskStatus.SUCCEEDED));
        ResultBatch elsewhere = new ResultBatch("w1", "jnotheld", Usage.ZERO, 0, List.of(new TaskResult("jnotheld", 0, 1,
                "echo x", TaskStatus.SUCCEEDED, 0, "x\n", "", false, false, "w1", 1, 2, 3, 1, null)), List.of(), List.of());
        assertEquals(409, asReplica(handOver("m2", Json.routed(elsewhere))));
        assertEquals(Set.of(), link.results(address(), List.of(new Message("m2", "r", Json.routed(elsewhere), 1))));
        assertThrows(java.io.IOException.class, () -> link.results("127.0.0.1:1", List.of(m)), "no owner there");
    }

    static byte[] filled(byte b) {
        byte[] key = new byte[32];
        Arrays.fill(key, b);
        return key;
    }

    Bundle bundleOfNewJob() throws Exception {
        String job = scheduler.submit(new ByteArrayInputStream("echo x\n".getBytes(StandardCharsets.UTF_8)), "w.txt", "ann")
                .jobId();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            for (Message m : requests.receive(10, Duration.ofMillis(200), Duration.ofMinutes(5))) {
                Bundle b = Json.bundle(m.body());
                if (b.jobId().equals(job)) {
                    return b;
                }
            }
        }
        throw new AssertionError("no bundle of " + job);
    }
}
