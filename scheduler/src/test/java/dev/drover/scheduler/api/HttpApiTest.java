package dev.drover.scheduler.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.core.codec.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API over real HTTP: identity (401), isolation (404 for another user's job, an admin sees
 * all), users, and the hardening (400, 404, 405, 413, a slow client cut off, 503 on overload,
 * error bodies that are short JSON).
 */
class HttpApiTest {
    @TempDir
    static Path dir;
    static ApiFixture f;
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        f = new ApiFixture(dir, HttpApi.Limits.defaults().withMaxBodyBytes(64 * 1024));
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    static HttpResponse<String> call(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + f.port() + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return Json.MAPPER.readTree(r.body());
    }

    static String submit(String token, String workload) throws Exception {
        HttpResponse<String> r = call("POST", "/jobs?name=w.txt&owner=mallory", token, workload);
        assertEquals(201, r.statusCode(), r.body());
        return json(r).get("jobId").asText();
    }

    static void assertError(int status, HttpResponse<String> r) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        JsonNode body = json(r);
        assertTrue(body.hasNonNull("error"), r.body());
        assertFalse(r.body().contains("Exception") || r.body().contains(dir.toString()) || r.body().contains("\tat "), r.body());
    }

    @Test
    void everyRequestButHealthNeedsAToken() throws Exception {
        assertEquals(200, call("GET", "/health", null, null).statusCode());
        for (String[] req : List.of(new String[] {"GET", "/jobs"}, new String[] {"POST", "/jobs"}, new String[] {"GET", "/fleet"},
                new String[] {"GET", "/jobs/x"}, new String[] {"GET", "/users"}, new String[] {"GET", "/nowhere"})) {
            HttpResponse<String> r = call(req[0], req[1], null, req[0].equals("POST") ? "echo hi\n" : null);
            assertError(401, r);
            assertEquals("Bearer realm=\"drover\"", r.headers().firstValue("WWW-Authenticate").orElse(""));
        }
        assertError(401, call("GET", "/jobs", "not-a-token", null));
        assertError(401, call("GET", "/jobs", f.annToken.substring(1), null));
        assertEquals(200, call("GET", "/jobs", f.annToken, null).statusCode());
    }

    @Test
    void aUserSeesOnlyTheirOwnJobsAndAnAdminSeesAll() throws Exception {
        String anns = submit(f.annToken, "sleep 60000\nsleep 60000\n");
        String bobs = submit(f.bobToken, "sleep 60000\n");
        assertEquals("ann", json(call("GET", "/jobs/" + anns, f.annToken, null)).get("owner").asText(), "the token's user, not ?owner=");
        for (String path : List.of("/jobs/" + anns, "/jobs/" + anns + "/tasks/0", "/jobs/" + anns + "/results")) {
            assertError(404, call("GET", path, f.bobToken, null));
        }
        assertError(404, call("POST", "/jobs/" + anns + "/cancel", f.bobToken, null));
        assertFalse(json(call("GET", "/jobs/" + anns, f.annToken, null)).get("state").asText().equals("CANCELLED"), "bob's cancel did nothing");
        assertEquals(404, call("GET", "/jobs/" + anns, f.bobToken, null).statusCode());
        assertEquals(json(call("GET", "/jobs/no-such-job", f.bobToken, null)), json(call("GET", "/jobs/" + anns, f.bobToken, null)),
                "someone else's job looks like no job at all");

        List<String> bobSees = ids(call("GET", "/jobs", f.bobToken, null));
        assertTrue(bobSees.contains(bobs) && !bobSees.contains(anns), bobSees.toString());
        List<String> adminSees = ids(call("GET", "/jobs", f.adminToken, null));
        assertTrue(adminSees.contains(bobs) && adminSees.contains(anns), adminSees.toString());
        assertEquals(200, call("GET", "/jobs/" + anns + "/tasks/1", f.adminToken, null).statusCode());
        assertEquals("CANCELLED", json(call("POST", "/jobs/" + bobs + "/cancel", f.adminToken, null)).get("state").asText());
        assertEquals("CANCELLED", json(call("POST", "/jobs/" + anns + "/cancel", f.annToken, null)).get("state").asText());
        HttpResponse<String> results = call("GET", "/jobs/" + anns + "/results?follow=true", f.annToken, null);
        assertEquals(2, results.body().lines().count(), results.body());
    }

    static HttpResponse<String> submitWithKey(String token, String key, String workload) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + f.port() + "/jobs?name=w.txt"))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + token).header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(workload)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aSubmitRepeatedWithItsIdempotencyKeyAnswersTheFirstJobAndQueuesNothing() throws Exception {
        String key = "k" + System.nanoTime();
        HttpResponse<String> first = submitWithKey(f.annToken, key, "sleep 60000\n");
        assertEquals(201, first.statusCode(), first.body());
        HttpResponse<String> again = submitWithKey(f.annToken, key, "sleep 60000\n");
        assertEquals(200, again.statusCode(), again.body());
        String job = json(first).get("jobId").asText();
        assertEquals(job, json(again).get("jobId").asText());
        assertEquals(json(first).get("total"), json(again).get("total"), "the same body shape");
        HttpResponse<String> bobs = submitWithKey(f.bobToken, key, "sleep 60000\n");
        assertEquals(201, bobs.statusCode(), "keys are per user");
        assertFalse(json(bobs).get("jobId").asText().equals(job));
        String bobsJob = json(bobs).get("jobId").asText();
        List<String> all = ids(call("GET", "/jobs", f.adminToken, null));
        assertEquals(1, all.stream().filter(job::equals).count(), all.toString());
        assertEquals(1, all.stream().filter(bobsJob::equals).count(), all.toString());
        assertError(400, submitWithKey(f.annToken, "not a key!", "sleep 0\n"));
        for (String id : List.of(job, bobsJob)) {
            call("POST", "/jobs/" + id + "/cancel", f.adminToken, null);
        }
    }

    @Test
    void twoSubmitsWithOneKeyAtOnceMakeOneJob() throws Exception {
        String key = "race" + System.nanoTime();
        String workload = "sleep 60000\n".repeat(2000); // long enough to spool that both are in intake at once
        var a = java.util.concurrent.CompletableFuture.supplyAsync(() -> send(key, workload));
        var b = java.util.concurrent.CompletableFuture.supplyAsync(() -> send(key, workload));
        HttpResponse<String> ra = a.get();
        HttpResponse<String> rb = b.get();
        assertEquals(List.of(200, 201), Stream.of(ra.statusCode(), rb.statusCode()).sorted().toList(), ra.body() + rb.body());
        String job = json(ra).get("jobId").asText();
        assertEquals(job, json(rb).get("jobId").asText());
        assertEquals(1, ids(call("GET", "/jobs", f.annToken, null)).stream().filter(job::equals).count());
        call("POST", "/jobs/" + job + "/cancel", f.annToken, null);
    }

    private static HttpResponse<String> send(String key, String workload) {
        try {
            return submitWithKey(f.annToken, key, workload);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** A disk that fills while a pack is stored (the store's own spool, or S3's staging) is 507 with a reason, not 500. */
    @Test
    void aFullDiskDuringPutFilesIs507() throws Exception {
        dev.drover.core.port.PayloadStore full = new dev.drover.core.memory.InMemoryPayloadStore();
        dev.drover.core.port.PayloadStore store = (dev.drover.core.port.PayloadStore) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {dev.drover.core.port.PayloadStore.class}, (proxy, m, args) -> {
                    if (m.getName().equals("putFile")) {
                        throw new java.io.UncheckedIOException(new java.nio.file.FileSystemException(
                                args[1].toString(), null, "No space left on device"));
                    }
                    try {
                        return m.invoke(full, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        Path source = Files.createDirectories(dir.resolve("full-disk/src"));
        Files.writeString(source.resolve("a.txt"), "hello\n");
        dev.drover.core.files.FilesPack.Pack pack = dev.drover.core.files.FilesPack.pack(source, 1 << 20,
                Files.createDirectories(dir.resolve("full-disk/scratch")));
        try (ApiFixture fixture = new ApiFixture(dir.resolve("full-disk"), HttpApi.Limits.defaults(),
                dev.drover.scheduler.model.Quotas.defaults(), dev.drover.scheduler.tls.Transport.plain(), store)) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + fixture.port() + "/files/" + pack.sha256()))
                    .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + fixture.annToken)
                    .PUT(HttpRequest.BodyPublishers.ofFile(pack.file())).build(), HttpResponse.BodyHandlers.ofString());
            assertError(507, r);
            assertTrue(json(r).get("error").asText().contains("disk is full"), r.body());
        }
    }

    static List<String> ids(HttpResponse<String> r) throws Exception {
        return Stream.of(Json.MAPPER.treeToValue(json(r), JsonNode[].class)).map(j -> j.get("jobId").asText()).toList();
    }

    @Test
    void anAdminManagesUsersAndARemovedUsersTokenStopsWorking() throws Exception {
        assertError(403, call("GET", "/users", f.annToken, null));
        assertError(403, call("POST", "/users?name=eve", f.annToken, null));
        HttpResponse<String> added = call("POST", "/users?name=carol", f.adminToken, null);
        assertEquals(201, added.statusCode(), added.body());
        String token = json(added).get("token").asText();
        assertEquals(43, token.length(), "256 bits, base64url without padding");
        assertEquals(200, call("GET", "/jobs", token, null).statusCode());
        assertError(409, call("POST", "/users?name=carol", f.adminToken, null));
        assertError(400, call("POST", "/users?name=bad%20name", f.adminToken, null));
        assertTrue(call("GET", "/users", f.adminToken, null).body().contains("\"carol\""));
        assertFalse(call("GET", "/users", f.adminToken, null).body().contains(token), "tokens are never listed");
        assertEquals(200, call("DELETE", "/users/carol", f.adminToken, null).statusCode());
        assertError(401, call("GET", "/jobs", token, null));
        assertError(404, call("DELETE", "/users/carol", f.adminToken, null));
        assertError(400, call("DELETE", "/users/admin", f.adminToken, null));
    }

    @Test
    void badInputIsA400NotA500() throws Exception {
        String job = submit(f.annToken, "sleep 1\n");
        assertError(400, call("GET", "/jobs/" + job + "/tasks/99999999999999999999999", f.annToken, null));
        assertError(400, call("GET", "/jobs/" + job + "/tasks/-1", f.annToken, null));
        assertError(400, call("GET", "/jobs/" + job + "/tasks/x", f.annToken, null));
        assertError(404, call("GET", "/jobs/" + job + "/tasks/5", f.annToken, null));
        assertError(400, call("GET", "/jobs/" + job + "/results?follow=yes", f.annToken, null));
        assertError(400, call("GET", "/jobs?x=%C3%28", f.annToken, null));
        assertError(400, call("GET", "/jobs/%C3%28", f.annToken, null));
        HttpResponse<String> bad = call("POST", "/jobs?name=w.txt", f.annToken, "sleep -4\n");
        assertError(400, bad);
        assertEquals(1, json(bad).get("line").asInt());
        // a bad escape never reaches the handler: the JDK's server answers 400 itself, and keeps the connection sane
        RawHttp.Response raw = RawHttp.exchange(f.port(), "GET /jobs?x=%zz HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + f.annToken + "\r\n",
                new byte[0], 5000);
        assertEquals(400, raw.status());
    }

    @Test
    void unknownPathsAre404AndWrongMethods405WithAllow() throws Exception {
        // "/" is the dashboard's page now (DashboardApiTest)
        for (String path : List.of("/nope", "/ui/nope.js", "/jobs/x/y", "/jobs/x/tasks", "/jobs/x/tasks/1/2", "/fleet/x", "/users/a/b")) {
            assertError(404, call("GET", path, f.annToken, null));
        }
        record Case(String method, String path, String allow) {}
        for (Case c : List.of(new Case("DELETE", "/jobs", "GET, POST"), new Case("PUT", "/jobs/x", "GET"),
                new Case("GET", "/jobs/x/cancel", "POST"), new Case("POST", "/health", "GET"), new Case("POST", "/fleet", "GET"),
                new Case("PATCH", "/users", "GET, POST"), new Case("GET", "/users/bob", "DELETE, PATCH"))) {
            HttpResponse<String> r = call(c.method, c.path, f.adminToken, null);
            assertError(405, r);
            assertEquals(c.allow, r.headers().firstValue("Allow").orElse(""), c.toString());
        }
        assertEquals(405, call("HEAD", "/jobs", f.annToken, null).statusCode());
    }

    @Test
    void aBodyOverTheLimitIs413WhileStreamingAndLeavesNothingOnDisk() throws Exception {
        long before = jobDirs();
        // declared too large: refused before a byte is read
        HttpResponse<String> declared = call("POST", "/jobs", f.annToken, "sleep 1\n".repeat(10_000));
        assertError(413, declared);
        // chunked, so the size is only known by counting: refused as it streams past the limit
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), f.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /jobs?name=big HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + f.annToken
                    + "\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = "sleep 1\n".repeat(512).getBytes(StandardCharsets.US_ASCII); // 4 KiB
            try {
                for (int i = 0; i < 20; i++) {
                    out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(chunk);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException closedOnUs) {
                // the server may stop reading once it has answered
            }
            RawHttp.Response r = RawHttp.read(s.getInputStream());
            assertEquals(413, r.status(), r.body());
            assertTrue(Json.MAPPER.readTree(r.body()).has("error"));
        }
        assertEquals(before, jobDirs(), "no spooled workload is left behind");
        submit(f.annToken, "sleep 1\n".repeat(1000)); // under the limit is fine
    }

    static long jobDirs() throws IOException {
        try (Stream<Path> s = Files.list(f.dataDir)) {
            return s.count();
        }
    }

    @Test
    void aClientThatSendsItsHeadersSlowlyIsCutOffAndOthersAreServed() throws Exception {
        try (Socket slow = new Socket(InetAddress.getLoopbackAddress(), f.port())) {
            slow.setSoTimeout(15_000);
            OutputStream out = slow.getOutputStream();
            InputStream in = slow.getInputStream();
            out.write("GET /jobs HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            boolean cut = false;
            for (int i = 0; i < 20 && !cut; i++) {
                try {
                    out.write(("X-Slow-" + i + ": a\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    assertEquals(200, call("GET", "/health", null, null).statusCode(), "others are served meanwhile");
                    Thread.sleep(500);
                } catch (IOException e) {
                    cut = true;
                }
                if (slow.isClosed()) {
                    cut = true;
                }
            }
            if (!cut) {
                cut = in.read() == -1;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(cut, "the slow client was cut off");
            assertTrue(seconds < ApiServer.HEADER_DEADLINE.toSeconds() + 3, "within the header deadline and a tick: " + seconds + " s");
        }
    }

    @Test
    void realOverloadIs503WithRetryAfter(@TempDir Path own) throws Exception {
        try (ApiFixture small = new ApiFixture(own, new HttpApi.Limits(1 << 20, 1, 0, 4, 2))) {
            // the only request permit is held by a submission whose body is still on its way
            try (Socket slowBody = new Socket(InetAddress.getLoopbackAddress(), small.port())) {
                slowBody.getOutputStream().write(("POST /jobs?name=w HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + small.annToken
                        + "\r\nContent-Length: 100\r\n\r\nsleep 1\n").getBytes(StandardCharsets.US_ASCII));
                slowBody.getOutputStream().flush();
                RawHttp.Response busy = null;
                for (int i = 0; i < 50 && (busy == null || busy.status() != 503); i++) {
                    Thread.sleep(20); // until the submission holds the permit
                    busy = RawHttp.exchange(small.port(), "GET /jobs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                            + small.annToken + "\r\n", new byte[0], 5000);
                }
                assertEquals(503, busy.status());
                assertEquals("1", busy.header("Retry-After"));
                assertTrue(Json.MAPPER.readTree(busy.body()).has("error"));
                assertEquals(200, RawHttp.exchange(small.port(), "GET /health HTTP/1.1\r\nHost: x\r\n", new byte[0], 5000).status(),
                        "health needs no permit");
            }
        }
    }

    @Test
    void aQuotaRefusalIs429WithAClearMessage(@TempDir Path own) throws Exception {
        try (ApiFixture small = new ApiFixture(own, HttpApi.Limits.defaults(), new dev.drover.scheduler.model.Quotas(3, 100))) {
            HttpRequest.Builder post = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + small.port() + "/jobs?name=w.txt"))
                    .header("Authorization", "Bearer " + small.annToken);
            HttpResponse<String> first = http.send(post.POST(HttpRequest.BodyPublishers.ofString("sleep 60000\nsleep 60000\n")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(201, first.statusCode(), first.body());
            HttpResponse<String> second = http.send(post.POST(HttpRequest.BodyPublishers.ofString("sleep 0\nsleep 0\n")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertError(429, second);
            assertTrue(json(second).get("error").asText().contains("quota of 3"), second.body());
            assertEquals("60", second.headers().firstValue("Retry-After").orElse(""));
        }
    }
}
