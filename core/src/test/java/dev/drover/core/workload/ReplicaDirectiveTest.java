package dev.drover.core.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code @replica K}: single tasks numbered replica K (what a rerun writes for a replica that failed). */
class ReplicaDirectiveTest {
    static List<TaskSpec> read(String text) throws WorkloadException {
        List<TaskSpec> specs = new ArrayList<>();
        try (WorkloadReader r = new WorkloadReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "w")) {
            r.forEach(specs::add);
        }
        return specs;
    }

    @Test
    void setsTheReplicaOfEachLineAfterItWithoutMultiplyingIt() throws WorkloadException {
        List<TaskSpec> specs = read("echo a\n@replica 3\necho b\necho c\n@replicas 2\necho d\n@replica 0\necho e\n");
        assertEquals(List.of("echo a", "echo b", "echo c", "echo d", "echo d", "echo e"), specs.stream().map(TaskSpec::command).toList());
        assertEquals(List.of(0, 3, 3, 0, 1, 0), specs.stream().map(TaskSpec::replica).toList());
    }

    @Test
    void refusesANumberOutOfRange() {
        WorkloadException e = assertThrows(WorkloadException.class, () -> read("@replica 10000\necho a\n"));
        assertEquals(1, e.line());
        assertTrue(e.reason().contains("bad @replica"), e.reason());
        assertThrows(WorkloadException.class, () -> read("@replica -1\necho a\n"));
    }
}
