package dev.drover.scheduler.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.core.codec.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The HTTP API on random requests (jqwik): methods, paths, query strings, headers, tokens and
 * bodies, sent raw over a socket. Whatever arrives: an answer (never a dropped connection), never
 * a 5xx, and every 4xx a JSON {@code {"error": ...}}. The requests stay within what the JDK's
 * server itself parses (a request line it cannot parse gets its own 400; see HttpApiTest).
 */
class HttpApiFuzzTest {
    static Path dir;
    static ApiFixture f;
    static String jobId;

    record Request(String method, String path, String query, Map<String, String> headers, byte[] body) {
        String head() {
            String auth = headers.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue() + "\r\n").collect(Collectors.joining());
            return method + " " + path + (query.isEmpty() ? "" : "?" + query) + " HTTP/1.1\r\nHost: fuzz\r\n" + auth;
        }
    }

    @BeforeContainer
    static void start() throws Exception {
        dir = Files.createTempDirectory("drover-fuzz-");
        f = new ApiFixture(dir, HttpApi.Limits.defaults().withMaxBodyBytes(4096));
        jobId = f.scheduler.submit(new java.io.ByteArrayInputStream("sleep 1\nsleep 2\n".getBytes()), "w", "ann").jobId();
    }

    @AfterContainer
    static void stop() throws Exception {
        f.close();
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Property(tries = 2000)
    void everyRequestGetsAnAnswerThatIsNever5xxAndEvery4xxIsJson(@ForAll("requests") Request r) throws Exception {
        RawHttp.Response response = RawHttp.exchange(f.port(), r.head(), r.body(), 10_000);
        assertTrue(response.status() < 500, () -> response.status() + " for " + r.head() + "\n" + response.body());
        if (response.status() >= 400 && !r.method().equals("HEAD")) {
            assertTrue(response.header("Content-Type").startsWith("application/json"), r::head);
            JsonNode body = Json.MAPPER.readTree(response.body());
            assertTrue(body.path("error").isTextual(), () -> response.body() + " for " + r.head());
            assertTrue(!response.body().contains("Exception") && !response.body().contains(dir.toString()), response::body);
        }
        if (response.status() == 405) {
            assertTrue(response.header("Allow") != null, r::head);
        }
        if (response.status() == 401) {
            assertEquals(true, response.header("WWW-Authenticate").startsWith("Bearer"));
        }
    }

    @Provide
    Arbitrary<Request> requests() {
        Arbitrary<String> method = Arbitraries.oneOf(
                Arbitraries.of("GET", "POST", "DELETE", "PUT", "PATCH", "OPTIONS", "HEAD", "TRACE"),
                Arbitraries.strings().withCharRange('A', 'Z').ofMinLength(1).ofMaxLength(8));
        Arbitrary<String> escape = Arbitraries.of("%00", "%2F", "%20", "%C3%A9", "%C3%28", "%FF", "%E2%82", "%25", "%41", "+");
        Arbitrary<String> word = Arbitraries.oneOf(
                Arbitraries.of("jobs", "users", "health", "fleet", "tasks", "results", "cancel", "admin", "ann", "bob", ".", ".."),
                Arbitraries.just("JOB"),
                Arbitraries.longs().map(String::valueOf),
                Arbitraries.of("99999999999999999999999", "-1", "0", "1", "007", "1e9", "0x1f"),
                Arbitraries.strings().withCharRange('a', 'z').withChars("-._~!$&'()*,;=:@").ofMaxLength(12),
                escape);
        Arbitrary<String> path = word.list().ofMaxSize(5).map(ws -> "/" + String.join("/", ws)).flatMap(p ->
                Arbitraries.of("", "/", "//").map(tail -> p + tail)).map(p -> p.replace("JOB", jobId))
                .filter(p -> !p.startsWith("//")); // "//x" is an authority, not a path: the JDK's server refuses it itself
        Arbitrary<String> qword = Arbitraries.oneOf(
                Arbitraries.of("follow", "name", "owner", "admin", "true", "false", "yes", "", "a", "="),
                Arbitraries.strings().withCharRange('a', 'z').ofMaxLength(8), escape);
        Arbitrary<String> query = Combinators.combine(qword, qword).as((k, v) -> k + "=" + v).list().ofMaxSize(4)
                .map(ps -> String.join("&", ps));
        Arbitrary<String> auth = Arbitraries.oneOf(Arbitraries.just("ADMIN"), Arbitraries.just("ANN"), Arbitraries.just("BOB"),
                Arbitraries.of("", "Bearer", "Bearer ", "Bearer x", "bearer ANN", "Basic YTpi", "Bearer ANN extra"),
                Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(60));
        Arbitrary<Map<String, String>> headers = Combinators.combine(auth, Arbitraries.maps(
                        Arbitraries.strings().withCharRange('a', 'z').withChars("-").ofMinLength(1).ofMaxLength(12)
                                .filter(n -> !List.of("host", "content-length", "transfer-encoding", "connection", "expect",
                                        "authorization").contains(n)),
                        Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(40).map(String::trim)).ofMaxSize(3),
                Arbitraries.integers().between(0, 3))
                .as((a, extra, withAuth) -> {
                    Map<String, String> h = new java.util.LinkedHashMap<>(extra);
                    if (withAuth > 0) {
                        h.put("Authorization", a.replace("ADMIN", "Bearer " + f.adminToken)
                                .replace("ANN", f.annToken).replace("BOB", "Bearer " + f.bobToken)
                                .replace("bearer " + f.annToken, "bearer " + f.annToken)
                                .replaceFirst("^" + java.util.regex.Pattern.quote(f.annToken) + "$", "Bearer " + f.annToken));
                    }
                    return h;
                });
        Arbitrary<byte[]> body = Arbitraries.oneOf(
                Arbitraries.just(new byte[0]),
                Arbitraries.of("sleep 1\n", "echo hi\n@timeout 3s\nsleep 5\n", "sleep -1\n", "@nope\n", "\n# only a comment\n")
                        .map(s -> s.getBytes(StandardCharsets.UTF_8)),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(600),
                Arbitraries.integers().between(3000, 6000).map(n -> "sleep 1\n".repeat(n / 8).getBytes(StandardCharsets.UTF_8)));
        return Combinators.combine(method, path, query, headers, body).as(Request::new);
    }
}
