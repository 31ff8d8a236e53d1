package dev.drover.scheduler.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * docs/api.yaml against what is served: the same routes as the route table registers, and for each
 * handler every status code its source can send documented on one of its routes.
 */
class ApiDocumentTest {
    static final Path DOC = Path.of("..", "docs", "api.yaml");
    static final Path SOURCES = Path.of("src", "main", "java", "dev", "drover", "scheduler", "api");
    /** What any authenticated request may get: a bad escape, no token, a browser without CSRF, a wrong method, a bug, overload. */
    static final Set<String> EVERY_AUTHENTICATED = Set.of("400", "401", "403", "405", "500", "503");
    /** Status literals: refusals, JSON answers, raw headers, and the two arms of a conditional. */
    static final Pattern CODE = Pattern.compile("(?:Refusal\\(|json\\(ex, |sendResponseHeaders\\()(?:[^,()]*\\? )?(\\d{3})(?: : (\\d{3}))?");

    @TempDir
    static Path dir;
    static ApiFixture fixture;
    static Map<String, Map<String, Object>> paths;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void start() throws Exception {
        fixture = new ApiFixture(dir, HttpApi.Limits.defaults());
        Map<String, Object> doc = new Yaml().load(Files.readString(DOC));
        paths = (Map<String, Map<String, Object>>) doc.get("paths");
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void theDocumentHasEveryRouteServedAndNoOther() {
        Set<String> served = new TreeSet<>();
        fixture.api.routes().forEach(r -> served.add(r.method() + " " + r.path()));
        Set<String> documented = new TreeSet<>();
        paths.forEach((path, methods) -> methods.keySet().forEach(m -> documented.add(m.toUpperCase() + " " + path)));
        assertEquals(served, documented);
    }

    @Test
    void everyStatusAHandlerCanSendIsDocumentedOnItsRoutes() throws IOException {
        Map<String, Set<String>> byHandler = new TreeMap<>();
        for (Route route : fixture.api.routes()) {
            byHandler.computeIfAbsent(handlerOf(route), h -> new TreeSet<>()).addAll(documented(route));
        }
        List<String> missing = new ArrayList<>();
        byHandler.forEach((handler, codes) -> {
            for (String file : sourcesOf(handler)) {
                for (String code : sendable(file)) {
                    if (!codes.contains(code)) {
                        missing.add(handler + " (" + file + ") can send " + code);
                    }
                }
            }
        });
        assertEquals(List.of(), missing);
        assertTrue(byHandler.keySet().containsAll(Set.of("JobsResource", "UsersResource", "FilesResource", "BillResource",
                "FleetResource", "EventsResource", "SessionsResource", "MetricsResource")), byHandler.keySet().toString());
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyAuthenticatedRouteDocumentsTheCommonRefusalsAndEveryBodyA413() {
        List<String> missing = new ArrayList<>();
        Set<String> open = Set.of("GET /health", "GET /", "GET /ui/{file}", "POST /session/start");
        for (Route route : fixture.api.routes()) {
            Set<String> codes = documented(route);
            if (!open.contains(route.toString()) && !codes.containsAll(EVERY_AUTHENTICATED)) {
                missing.add(route + " lacks some of " + EVERY_AUTHENTICATED);
            }
            Map<String, Object> op = (Map<String, Object>) paths.get(route.path()).get(route.method().toLowerCase());
            if (op.containsKey("requestBody") && !codes.contains("413")) {
                missing.add(route + " reads a body but documents no 413");
            }
        }
        assertEquals(List.of(), missing);
        Set<String> common = new TreeSet<>(EVERY_AUTHENTICATED);
        common.addAll(Set.of("200", "413"));
        for (String file : List.of("HttpApi.java", "Authenticator.java", "Requests.java")) {
            assertTrue(common.containsAll(sendable(file)), file + " sends " + sendable(file) + ", beyond " + common);
        }
    }

    @SuppressWarnings("unchecked")
    static Set<String> documented(Route route) {
        Map<String, Object> methods = paths.get(route.path());
        if (methods == null || !methods.containsKey(route.method().toLowerCase())) {
            return Set.of();
        }
        Map<Object, Object> responses = (Map<Object, Object>) ((Map<String, Object>) methods.get(route.method().toLowerCase()))
                .get("responses");
        Set<String> codes = new TreeSet<>();
        responses.keySet().forEach(k -> codes.add(k.toString()));
        return codes;
    }

    /** The class that answers a route: the route table's handler of its first segment, or HttpApi's own. */
    static String handlerOf(Route route) {
        String first = route.path().split("/").length > 1 ? route.path().split("/")[1] : "";
        if (route.path().equals("/health")) {
            return "HttpApi";
        }
        if (first.isEmpty() || first.equals("ui") || route.path().equals("/session/start")) {
            return "SessionsResource";
        }
        return fixture.api.resources().get(first).getClass().getSimpleName();
    }

    /** A handler's source and the helpers only it calls, whose refusals are its own. */
    static List<String> sourcesOf(String handler) {
        return switch (handler) {
            case "JobsResource" -> List.of("JobsResource.java", "RerunRequest.java", "StreamBudget.java");
            case "EventsResource" -> List.of("EventsResource.java", "StreamBudget.java");
            case "HttpApi" -> List.of(); // its refusals are every route's: see the next test
            default -> List.of(handler + ".java");
        };
    }

    static Set<String> sendable(String file) {
        try {
            Matcher m = CODE.matcher(Files.readString(SOURCES.resolve(file)));
            Set<String> codes = new TreeSet<>();
            while (m.find()) {
                codes.add(m.group(1));
                if (m.group(2) != null) {
                    codes.add(m.group(2));
                }
            }
            return codes;
        } catch (IOException e) {
            throw new IllegalStateException(file, e);
        }
    }
}
