package dev.drover.scheduler.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.workload.TaskSpec;
import dev.drover.core.workload.WorkloadException;
import dev.drover.core.workload.WorkloadReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Tasks served by number equal the tasks read in order, whatever the directives before them
 * ({@code @timeout}, {@code @retries}, {@code @env}, {@code @replicas}, {@code @replica}) and
 * wherever the index's checkpoints fall: in the middle of a line's replicas too.
 */
class JobWorkloadTest {

    @Property(tries = 300)
    void taskByNumberIsTaskInOrder(@ForAll("workloads") List<String> lines, @ForAll @IntRange(min = 1, max = 7) int stride,
                                   @ForAll Set<@IntRange(min = 0, max = 80) Integer> chosen) throws Exception {
        Path file = write(lines);
        try {
            List<TaskSpec> inOrder = readAll(file);
            JobWorkload workload = new JobWorkload(file, stride);
            assertEquals(inOrder.size(), workload.total());
            for (int seq = 0; seq <= inOrder.size(); seq++) {
                try (WorkloadReader reader = workload.from(seq)) {
                    assertEquals(seq < inOrder.size() ? inOrder.get(seq) : null, reader.next(), "task " + seq);
                }
            }
            List<Long> visited = new ArrayList<>();
            List<TaskSpec> specs = new ArrayList<>();
            workload.forEach(new TreeSet<>(chosen).stream().mapToLong(Integer::longValue).iterator(), (seq, spec) -> {
                visited.add(seq);
                specs.add(spec);
            });
            List<Long> expected = new TreeSet<>(chosen).stream().filter(s -> s < inOrder.size()).map(Integer::longValue).toList();
            assertEquals(expected, visited);
            assertEquals(expected.stream().map(s -> inOrder.get(s.intValue())).toList(), specs);
        } finally {
            Files.delete(file);
        }
    }

    @Test
    void aWorkloadWithoutTasksIsRefusedByItsName() throws IOException {
        Path file = write(List.of("# nothing", "@timeout 5s"));
        try {
            WorkloadException e = assertThrows(WorkloadException.class, () -> JobWorkload.validate(file, "empty.txt"));
            assertTrue(e.getMessage().startsWith("empty.txt:"), e.getMessage());
        } finally {
            Files.delete(file);
        }
    }

    @Test
    void aBadLineIsRefusedWithItsNumber() throws IOException {
        Path file = write(List.of("echo a", "@retries many", "echo b"));
        try {
            WorkloadException e = assertThrows(WorkloadException.class, () -> JobWorkload.validate(file, "bad.txt"));
            assertTrue(e.getMessage().startsWith("bad.txt:2:"), e.getMessage());
        } finally {
            Files.delete(file);
        }
    }

    @Provide
    Arbitrary<List<String>> workloads() {
        Arbitrary<String> line = Arbitraries.oneOf(
                Arbitraries.integers().between(0, 999).map(i -> "echo task " + i),
                Arbitraries.integers().between(0, 50).map(i -> "sleep " + i),
                Arbitraries.integers().between(0, 9).map(i -> "@timeout " + i + "s"),
                Arbitraries.just("@timeout none"),
                Arbitraries.integers().between(0, 5).map(i -> "@retries " + i),
                Arbitraries.of("A", "B", "PATH").flatMap(n -> Arbitraries.of("", "x", "y z").map(v -> "@env " + n + "=" + v)),
                Arbitraries.integers().between(1, 4).map(i -> "@replicas " + i),
                Arbitraries.integers().between(0, 3).map(i -> "@replica " + i),
                Arbitraries.of("", "# a comment", "  echo padded  \r"));
        return line.list().ofMinSize(0).ofMaxSize(40).map(l -> {
            List<String> withTask = new ArrayList<>(l);
            withTask.add("echo last"); // at least one task
            return withTask;
        });
    }

    private static List<TaskSpec> readAll(Path file) throws WorkloadException {
        List<TaskSpec> out = new ArrayList<>();
        try (WorkloadReader reader = WorkloadReader.open(file)) {
            reader.forEach(out::add);
        }
        return out;
    }

    private static Path write(List<String> lines) {
        try {
            Path file = Files.createTempFile("workload", ".txt");
            Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
