package dev.drover.core.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WorkloadDependenciesTest {
    private static List<Stage> stages(String text) throws WorkloadException {
        try (WorkloadReader reader = new WorkloadReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "w.txt")) {
            reader.forEach(spec -> { });
            return reader.stages();
        }
    }

    @Test
    void groupsLinesIntoStagesByWhatTheyWaitOn() throws Exception {
        List<Stage> stages = stages("""
                echo free
                @name prep
                echo prep
                @replicas 20
                @after prep
                @name map
                echo map
                @replicas 1
                @after map
                echo reduce-a
                echo reduce-b
                @after none
                echo free-again
                @after-any map,prep
                echo tolerant
                """);
        assertEquals(List.of(
                new Stage(0, "prep", 3, 1, 2, 1, List.of(), false, -1),
                new Stage(1, "map", 7, 2, 22, 20, List.of(0), false, -1),
                new Stage(2, null, 10, 22, 24, 1, List.of(1), false, -1),
                new Stage(3, null, 15, 25, 26, 1, List.of(1, 0), true, -1)), stages);
    }

    @Test
    void afterReplicaPairsReplicasOfLinesWithTheSameCount() throws Exception {
        List<Stage> stages = stages("""
                @replicas 4
                @name align
                echo align
                @after-replica align
                echo call-a
                echo call-b
                @after-replica none
                echo end
                """);
        assertEquals(new Stage(1, null, 5, 4, 12, 4, List.of(), false, 0), stages.get(1));
        assertEquals(2, stages.size());
    }

    @Test
    void aNameStandsForTheNextTaskLineEvenAfterOtherDirectives() throws Exception {
        List<Stage> stages = stages("@name a\n# why\n\n@timeout 5s\n@env X=1\necho a\n@after a\necho b\n");
        assertEquals("a", stages.get(0).name());
        assertEquals(6, stages.get(0).firstLine());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "@name a\\necho a\\n@name a\\necho b|3|@name a: the name is used already, by line 2",
            "@name a b\\necho a|1|bad @name: 'a b'",
            "@name\\necho a|1|bad @name: ''",
            "@name none\\necho a|1|bad @name: 'none'",
            "@name a\\n@name b\\necho a|2|@name b: the @name a above has no task line yet",
            "echo a\\n@name a|2|@name a names no task line",
            "@name a\\necho a\\n@after b\\necho c|3|@after b: unknown name (no line is named so)",
            "echo x\\n@after b\\necho c\\n@name b\\necho b|2|@after b: b is line 5, below this one: a line may wait only on lines above it",
            "@name a\\n@after a\\necho a|2|@after a: a line cannot wait on itself",
            "@name a\\necho a\\n@after a,\\necho b|3|bad @after: '' is not a name",
            "@name a\\necho a\\n@after a;b\\necho b|3|bad @after: 'a;b' is not a name",
            "@name a\\necho a\\n@after-any zz\\necho b|3|@after-any zz: unknown name",
            "@replicas 3\\n@name a\\necho a\\n@replicas 2\\n@after-replica a\\necho b|6|@after-replica a: this line has 2 replicas but a (line 3) has 3: replica counts must match",
            "@name a\\necho a\\n@replicas 2\\n@after-replica a\\necho b|5|@after-replica a: this line has 2 replicas but a (line 2) has 1",
            "@name a\\necho a\\n@name b\\necho b\\n@after-replica a,b\\necho c|5|bad @after-replica: it names one line",
            "@after-replica c\\necho c\\n@name c\\necho d|1|@after-replica c: c is line 4, below this one"})
    void refusesBadDependenciesNamingFileLineAndReason(String text, int line, String reason) {
        WorkloadException e = assertThrows(WorkloadException.class, () -> stages(text.replace("\\n", "\n")));
        assertEquals(line, e.line(), e.getMessage());
        assertEquals("w.txt", e.source());
        assertEquals(true, e.reason().startsWith(reason), e.getMessage());
    }

    @Test
    void aReaderStartedAtACheckpointKeepsTheWaitsInForce(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("w.txt");
        Files.writeString(file, "@name a\necho a\n@after a\necho b\n@name c\necho c\n");
        WorkloadReader.Checkpoint mid;
        try (WorkloadReader reader = WorkloadReader.open(file)) {
            reader.next();
            reader.next();
            mid = reader.checkpoint();
        }
        assertEquals(new Waits(null, List.of("a"), false, null), mid.waits());
        List<TaskSpec> rest = new ArrayList<>();
        try (WorkloadReader reader = WorkloadReader.open(file, mid)) {
            reader.forEach(rest::add);
        }
        assertEquals(List.of(new TaskSpec(6, "echo c", 0, 1)), rest);
    }
}
