package dev.drover.bench.suite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.core.codec.Json;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code drover bench --smoke}: a tiny in-JVM configuration with the remote path on in-memory
 * adapters (no emulators). Checks that every figure is produced and sane, never how fast it is.
 */
class BenchSmokeTest {
    @TempDir
    static Path dir;
    static int code;
    static String out;
    static String err;
    static JsonNode json;

    @BeforeAll
    static void runSmoke() throws Exception {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        code = BenchCommand.run(new String[] {"--smoke", "--out", dir.resolve("out").toString(),
                "--json", dir.resolve("figures.json").toString()}, new PrintWriter(o), new PrintWriter(e));
        out = o.toString();
        err = e.toString();
        json = Json.MAPPER.readTree(dir.resolve("figures.json").toFile());
    }

    @Test
    void succeedsAndPrintsTheTables() {
        assertEquals(0, code, () -> "exit code; stderr:\n" + err);
        for (String heading : List.of("### Throughput", "### Efficiency", "### Baselines", "### Elastic fleet", "### Targets")) {
            assertTrue(out.contains(heading), () -> heading + " missing from:\n" + out);
        }
        assertTrue(json.path("failures").isEmpty(), () -> json.path("failures").toString());
    }

    @Test
    void summaryHasEveryHeadlineFigure() {
        JsonNode s = json.path("summary");
        for (String key : List.of("poolTasksPerSecond", "httpTasksPerSecond", "remoteTasksPerSecond", "rawMessagesPerSecond",
                "ratioToRaw", "sqsRequestsPerTask", "dynamoWritesPerTask", "costPerMillionTasksUsd", "naiveTasksPerSecond",
                "naiveSqsRequestsPerTask", "naiveDynamoWritesPerTask", "ratioToNaive", "elasticSecondsToFullFleet")) {
            positive(s, key, "summary");
        }
        assertEquals(1.0, s.path("naiveDynamoWritesPerTask").asDouble(), 1e-9, "naive: one claim write per task");
        assertTrue(s.path("naiveSqsRequestsPerTask").asDouble() >= 3, "naive: receive, send result, delete per task");
    }

    @Test
    void everyCaseHasItsFigures() {
        Map<String, List<String>> required = Map.of(
                "throughput", List.of("workers", "tasks", "wallSeconds", "tasksPerSecond"),
                "efficiency", List.of("workers", "taskMillis", "tasksPerWorker", "wallSeconds", "idealSeconds", "efficiency"),
                "raw", List.of("workers", "messages", "wallSeconds", "rawMessagesPerSecond", "sqsRequestsPerTask"),
                "naive", List.of("workers", "tasks", "wallSeconds", "tasksPerSecond", "sqsRequestsPerTask", "dynamoWritesPerTask"),
                "elastic", List.of("maxWorkers", "secondsToFirstLaunch", "secondsToFullFleetLaunched", "secondsToFullFleetRunning"));
        required.forEach((section, keys) -> {
            JsonNode rows = json.path(section);
            assertFalse(rows.isEmpty(), section + " has no case");
            for (JsonNode row : rows) {
                keys.forEach(k -> positive(row, k, section));
                row.fields().forEachRemaining(f -> {
                    if (f.getValue().isNumber()) {
                        double v = f.getValue().asDouble();
                        assertTrue(Double.isFinite(v) && v >= 0, section + "." + f.getKey() + " = " + v);
                    }
                });
            }
        });
        for (String backend : List.of("pool", "http", "remote")) {
            assertTrue(rows("throughput", backend) > 0, "no throughput case on " + backend);
        }
        for (JsonNode row : json.path("throughput")) {
            if (row.path("backend").asText().equals("remote")) {
                for (String k : List.of("remoteTasksPerSecond", "rawMessagesPerSecond", "ratioToRaw", "sqsRequestsPerTask",
                        "dynamoWritesPerTask", "costPerMillionTasksUsd", "processes", "threadsPerProcess", "schedulerCpuMicrosPerTask",
                        "jobOverheadSeconds")) { // a stage's share may be 0: it is split by samples
                    positive(row, k, "remote throughput");
                }
            }
        }
        for (JsonNode row : json.path("efficiency")) {
            double e = row.path("efficiency").asDouble();
            assertTrue(e > 0 && e <= 1.0, "efficiency is a fraction of the ideal: " + e);
        }
        assertTrue(rows("efficiency", "pool") > 0 && rows("efficiency", "remote") > 0);
    }

    @Test
    void targetsAreEvaluated() {
        JsonNode targets = json.path("targets");
        assertFalse(targets.isEmpty());
        for (JsonNode t : targets) {
            assertTrue(t.path("name").isTextual() && t.path("goal").isTextual() && t.path("met").isBoolean(), t::toString);
            positive(t, "measured", "target");
        }
        positive(json.path("machine"), "cores", "machine");
        assertTrue(json.path("machine").path("java").isTextual());
    }

    @Test
    void writesCsvMarkdownJsonAndPlots() throws Exception {
        Path outDir = dir.resolve("out");
        List<String> csv = Files.readAllLines(outDir.resolve("bench.csv"));
        List<String> header = Arrays.asList(csv.get(0).split(","));
        assertTrue(header.containsAll(List.of("section", "backend", "workers", "tasksPerSecond", "efficiency",
                "remoteTasksPerSecond", "rawMessagesPerSecond", "ratioToRaw", "sqsRequestsPerTask", "dynamoWritesPerTask")),
                header::toString);
        int cases = 0;
        for (String section : List.of("throughput", "efficiency", "raw", "naive", "elastic")) {
            cases += json.path(section).size();
        }
        assertEquals(cases + 1, csv.size(), "one CSV line per case plus the header");
        assertTrue(Files.readString(outDir.resolve("bench.md")).contains("### Targets"));
        assertEquals(json.path("summary"), Json.MAPPER.readTree(outDir.resolve("bench.json").toFile()).path("summary"));
        for (String png : List.of("throughput.png", "efficiency.png")) {
            Path file = outDir.resolve(png);
            assertTrue(Files.size(file) > 1000, png + " is too small to be a plot");
            try (InputStream in = Files.newInputStream(file)) {
                assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, in.readNBytes(4), png + " is not a PNG");
            }
        }
    }

    private static int rows(String section, String backend) {
        int n = 0;
        for (JsonNode r : json.path(section)) {
            if (r.path("backend").asText().equals(backend)) {
                n++;
            }
        }
        return n;
    }

    private static void positive(JsonNode node, String key, String where) {
        assertTrue(node.has(key), () -> where + " lacks " + key + ": " + node);
        double v = node.path(key).asDouble(Double.NaN);
        assertTrue(node.path(key).isNumber() && Double.isFinite(v) && v > 0, () -> where + "." + key + " = " + node.path(key));
    }
}
