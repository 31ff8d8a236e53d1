package dev.drover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.core.codec.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code @replicas N} on the in-JVM pool: each replica its own task, with its number, counted per line. */
class ReplicasTest {
    @TempDir
    Path dir;

    /** {@code drover run} needs no token (it starts a scheduler of its own); a home of the test's own. */
    CliEndToEndTest.Run drover(String... args) {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        int code = Main.run(args, new java.io.PrintWriter(out), new java.io.PrintWriter(err),
                new ClientEnvironment(java.util.Map.of(), dir.resolve("home")));
        return new CliEndToEndTest.Run(code, out.toString(), err.toString());
    }

    @Test
    void eachReplicaIsItsOwnTaskAndALineIsCompleteOnlyWhenAllItsReplicasAre() throws Exception {
        Path w = Files.writeString(dir.resolve("replicas.txt"), String.join("\n",
                "echo plain",
                "@replicas 3",
                "echo \"r=$DROVER_REPLICA\"",
                "test \"$DROVER_REPLICA\" != 1",
                "@replicas 1",
                "echo last", ""));
        Path results = dir.resolve("results.jsonl");
        Path json = dir.resolve("summary.json");
        CliEndToEndTest.Run run = drover("run", "--local", "2", w.toString(),
                "--results", results.toString(), "--json", json.toString());
        assertEquals(1, run.code(), "replica 1 of line 4 fails: " + run.out() + run.err());

        List<JsonNode> lines = CliEndToEndTest.lines(results);
        assertEquals(1 + 3 + 3 + 1, lines.size());
        assertEquals(8, lines.stream().map(l -> l.get("seq").asLong()).collect(Collectors.toSet()).size(), "one seq each");
        Set<String> echoed = new TreeSet<>();
        for (JsonNode l : lines) {
            assertTrue(l.has("replica"), l.toString());
            if (l.get("line").asInt() == 3) {
                echoed.add(l.get("stdout").asText().strip() + "@" + l.get("replica").asInt());
            }
            if (l.get("line").asInt() == 4) {
                assertEquals(l.get("replica").asInt() == 1 ? "FAILED" : "SUCCEEDED", l.get("status").asText());
            }
        }
        assertEquals(Set.of("r=0@0", "r=1@1", "r=2@2"), echoed);

        JsonNode summary = Json.MAPPER.readTree(json.toFile());
        assertEquals(8, summary.get("tasks").asInt());
        assertEquals(4, summary.get("lines").asInt());
        assertEquals(3, summary.get("linesComplete").asInt(), "line 4 has a failed replica");
        assertEquals(Json.MAPPER.readTree("[{\"line\":3,\"replicas\":3,\"succeeded\":3},{\"line\":4,\"replicas\":3,\"succeeded\":2}]"),
                summary.get("replicaLines"), summary.toString());
        assertTrue(run.out().contains("line 4: 2 of 3 replicas succeeded"), run.out());
        assertTrue(run.out().contains("lines: 3 of 4 complete"), run.out());
    }

    @Test
    void tooManyReplicasAreRefusedBeforeAnythingIsQueued() throws Exception {
        Path w = Files.writeString(dir.resolve("many.txt"), "@replicas 20000\necho x\n");
        CliEndToEndTest.Run run = drover("run", "--local", "1", w.toString());
        assertEquals(2, run.code());
        assertTrue(run.err().contains("many.txt:1: bad @replicas: expected a whole number from 1 to 10000"), run.err());
    }
}
