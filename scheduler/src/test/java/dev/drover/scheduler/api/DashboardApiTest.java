package dev.drover.scheduler.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.core.codec.Json;
import dev.drover.core.port.User;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GET /metrics scraped and parsed; the dashboard's sign-in, cookie, CSRF check and event stream. */
class DashboardApiTest {
    @TempDir
    static Path dir;
    static ApiFixture f;
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        f = new ApiFixture(dir, HttpApi.Limits.defaults());
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    static HttpResponse<String> call(String method, String path, Map<String, String> headers, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + f.port() + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static Map<String, String> bearer(String token) {
        return Map.of("Authorization", "Bearer " + token);
    }

    /** One sample line of the text format: name, labels, value. */
    static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})? (\\S+)");

    static Map<String, Double> parse(String text) {
        Map<String, Double> samples = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertTrue(m.matches(), "a valid sample line: " + line);
            samples.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3)));
        }
        return samples;
    }

    @Test
    void metricsAreScrapedInThePrometheusFormatBehindTheToken() throws Exception {
        assertEquals(201, call("POST", "/jobs?name=m", bearer(f.annToken), "sleep 1\nsleep 1\nsleep 1\n").statusCode());
        assertEquals(401, call("GET", "/metrics", Map.of(), null).statusCode());
        Thread.sleep(1100); // the gauges' snapshot is at most a second old
        HttpResponse<String> r = call("GET", "/metrics", bearer(f.annToken), null);
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
        Map<String, Double> s = parse(r.body());
        assertTrue(s.get("drover_tasks{status=\"QUEUED\"}") >= 3, r.body());
        assertEquals(0.0, s.get("drover_tasks{status=\"RUNNING\"}"));
        assertTrue(s.get("drover_jobs{state=\"RUNNING\"}") + s.get("drover_jobs{state=\"SUBMITTED\"}") >= 1);
        assertNotNull(s.get("drover_queue_messages{state=\"visible\"}"));
        assertNotNull(s.get("drover_queue_messages{state=\"in_flight\"}"));
        assertNotNull(s.get("drover_fleet_workers{state=\"running\"}"));
        assertNotNull(s.get("drover_fleet_cost_usd"));
        assertTrue(s.keySet().stream().anyMatch(k -> k.startsWith("drover_dispatch_latency_seconds_bucket{le=")), "a histogram");
        assertTrue(s.keySet().stream().anyMatch(k -> k.startsWith("drover_collection_latency_seconds_bucket{le=")));
        assertTrue(s.containsKey("drover_aws_calls_total{charged=\"jobs\",kind=\"requests\",service=\"sqs\"}"), r.body());
    }

    /** What following a sign-in link gives a browser: its page (no cookie), whose script posts the code. */
    static HttpResponse<String> signInResponse(String loginPath) throws Exception {
        HttpResponse<String> page = call("GET", loginPath, Map.of(), null);
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("/ui/login.js"), page.body());
        assertTrue(page.headers().firstValue("Set-Cookie").isEmpty(), "a GET never signs in");
        String code = loginPath.substring(loginPath.indexOf("login=") + "login=".length());
        return call("POST", "/session/start", Map.of("X-Drover-Login", "1", "Origin", "http://127.0.0.1:" + f.port()), code);
    }

    String signIn(User user) throws Exception {
        HttpResponse<String> r = signInResponse(f.api.loginPath(user));
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(user.name(), Json.MAPPER.readTree(r.body()).get("user").asText());
        String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict") && setCookie.contains("Path=/"), setCookie);
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    @Test
    void anotherSiteCannotSignABrowserInWithItsOwnLink() throws Exception {
        String code = f.api.loginPath(ann()).substring("/?login=".length());
        // a plain link or a form: no cookie, and the code is still unused
        assertTrue(call("GET", "/?login=" + code, Map.of(), null).headers().firstValue("Set-Cookie").isEmpty());
        HttpResponse<String> form = call("POST", "/session/start", Map.of("Content-Type", "application/x-www-form-urlencoded",
                "Origin", "https://evil.example"), code);
        assertEquals(403, form.statusCode(), "a form cannot send the header");
        HttpResponse<String> crossSite = call("POST", "/session/start", Map.of("X-Drover-Login", "1", "Origin", "https://evil.example"), code);
        assertEquals(403, crossSite.statusCode(), "another origin is refused");
        assertTrue(crossSite.headers().firstValue("Set-Cookie").isEmpty());
        assertEquals(405, call("OPTIONS", "/session/start", Map.of("Origin", "https://evil.example"), null).statusCode(),
                "no CORS preflight succeeds, so no other site's script may send the header");
        HttpResponse<String> own = call("POST", "/session/start", Map.of("X-Drover-Login", "1", "Origin", "http://127.0.0.1:" + f.port()), code);
        assertEquals(200, own.statusCode(), "the code was not used up by the refused attempts: " + own.body());
    }

    static User ann() {
        return new User("ann", false, 0);
    }

    @Test
    void removingAUserEndsTheirBrowserSessionsAndSignInLinksAtOnce() throws Exception {
        String daveToken = f.accounts.add("dave", false);
        User dave = new User("dave", false, 0);
        String cookie = signIn(dave);
        String csrf = Json.MAPPER.readTree(call("GET", "/session", Map.of("Cookie", cookie), null).body()).get("csrf").asText();
        Map<String, String> browser = Map.of("Cookie", cookie, "X-Drover-CSRF", csrf);
        assertEquals(201, call("POST", "/jobs?name=d", browser, "sleep 1\n").statusCode(), "signed in, he submits");
        String unusedLink = f.api.loginPath(dave);
        HttpResponse<String> minted = call("POST", "/session/login", browser, "");
        assertEquals(200, minted.statusCode(), minted.body());

        assertEquals(200, call("DELETE", "/users/dave", bearer(f.adminToken), null).statusCode());
        assertEquals(401, call("GET", "/jobs", bearer(daveToken), null).statusCode());
        assertEquals(401, call("POST", "/jobs?name=d", browser, "sleep 1\n").statusCode(), "his cookie is dead");
        assertEquals(401, call("GET", "/session", browser, null).statusCode());
        assertEquals(401, call("POST", "/session/login", browser, "").statusCode(), "and mints no links");
        for (String link : List.of(unusedLink, Json.MAPPER.readTree(minted.body()).get("path").asText())) {
            HttpResponse<String> r = signInResponse(link);
            assertEquals(403, r.statusCode(), "a link minted before the removal no longer signs in: " + r.body());
            assertTrue(r.headers().firstValue("Set-Cookie").isEmpty());
        }
    }

    @Test
    void aLoginCodeWorksOnceAndItsCookieReadsButChangesOnlyWithTheCsrfHeader() throws Exception {
        String login = f.api.loginPath(ann());
        HttpResponse<String> first = signInResponse(login);
        assertEquals(200, first.statusCode());
        assertEquals(403, signInResponse(login).statusCode(), "a code is used once");
        assertEquals(403, signInResponse("/?login=forged").statusCode());
        String cookie = first.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];

        HttpResponse<String> page = call("GET", "/", Map.of(), null);
        assertEquals(200, page.statusCode(), "the page itself holds no data");
        assertTrue(page.body().contains("/ui/app.js"));
        assertEquals(200, call("GET", "/ui/app.js", Map.of(), null).statusCode());
        assertEquals(404, call("GET", "/ui/../pom.xml", Map.of(), null).statusCode());

        HttpResponse<String> session = call("GET", "/session", Map.of("Cookie", cookie), null);
        assertEquals(200, session.statusCode());
        JsonNode s = Json.MAPPER.readTree(session.body());
        assertEquals("ann", s.get("user").asText());
        String csrf = s.get("csrf").asText();
        assertEquals(401, call("GET", "/session", Map.of("Cookie", "drover_session=forged"), null).statusCode());

        String job = Json.MAPPER.readTree(call("POST", "/jobs?name=c", bearer(f.annToken), "sleep 1\n").body()).get("jobId").asText();
        assertEquals(200, call("GET", "/jobs/" + job, Map.of("Cookie", cookie), null).statusCode(), "a cookie reads");
        assertEquals(403, call("POST", "/jobs/" + job + "/cancel", Map.of("Cookie", cookie), null).statusCode(),
                "a cross-site form post carries the cookie (if SameSite failed) but not the header");
        assertEquals(403, call("POST", "/jobs/" + job + "/cancel", Map.of("Cookie", cookie, "X-Drover-CSRF", "wrong"), null).statusCode());
        assertEquals(403, call("POST", "/jobs?name=x", Map.of("Cookie", cookie), "sleep 1\n").statusCode());
        HttpResponse<String> cancelled = call("POST", "/jobs/" + job + "/cancel", Map.of("Cookie", cookie, "X-Drover-CSRF", csrf), null);
        assertEquals(200, cancelled.statusCode(), cancelled.body());
        assertEquals("CANCELLED", Json.MAPPER.readTree(cancelled.body()).get("state").asText());

        String bobJob = Json.MAPPER.readTree(call("POST", "/jobs?name=b", bearer(f.bobToken), "sleep 1\n").body()).get("jobId").asText();
        assertEquals(404, call("GET", "/dashboard/jobs/" + bobJob, Map.of("Cookie", cookie), null).statusCode(), "only your own jobs");
        assertEquals(200, call("GET", "/dashboard/jobs/" + job, Map.of("Cookie", cookie), null).statusCode());
    }

    @Test
    void theEventStreamStartsWithASnapshotOfYourJobsOnly() throws Exception {
        String cookie = signIn(ann());
        String annJob = Json.MAPPER.readTree(call("POST", "/jobs?name=mine", bearer(f.annToken), "sleep 1\n").body()).get("jobId").asText();
        String bobJob = Json.MAPPER.readTree(call("POST", "/jobs?name=his", bearer(f.bobToken), "sleep 1\n").body()).get("jobId").asText();
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + f.port() + "/events?job=" + annJob))
                .header("Cookie", cookie).timeout(Duration.ofSeconds(10)).build();
        HttpResponse<InputStream> r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String event = null;
            String data = null;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith("event: ")) {
                    event = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data = line.substring(6);
                    break;
                }
            }
            assertEquals("snapshot", event);
            JsonNode snap = Json.MAPPER.readTree(data);
            assertEquals("ann", snap.get("user").asText());
            assertTrue(data.contains(annJob));
            assertFalse(data.contains(bobJob), "another user's job is not shown");
            assertEquals(annJob, snap.get("detail").get("jobId").asText());
            assertNotNull(snap.get("queue"));
            assertNotNull(snap.get("fleet"));
        }
    }
}
