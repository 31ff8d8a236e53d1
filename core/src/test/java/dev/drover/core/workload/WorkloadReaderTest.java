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

class WorkloadReaderTest {
    private static List<TaskSpec> read(byte[] bytes) throws WorkloadException {
        List<TaskSpec> specs = new ArrayList<>();
        new WorkloadReader(new ByteArrayInputStream(bytes), "w.txt").forEach(specs::add);
        return specs;
    }

    private static List<TaskSpec> read(String text) throws WorkloadException {
        return read(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsTasksSkippingBlanksAndCommentsWithCrlf() throws Exception {
        List<TaskSpec> specs = read("# a comment\r\nsleep 100\r\n\r\n  echo hi  \r\nsleep 0");
        assertEquals(List.of(new TaskSpec(2, "sleep 100", 0, 1), new TaskSpec(4, "echo hi", 0, 1),
                new TaskSpec(5, "sleep 0", 0, 1)), specs);
    }

    @Test
    void directivesApplyToTheLinesAfterThem() throws Exception {
        List<TaskSpec> specs = read("echo a\n@timeout 2s\n@retries 3\necho b\n@timeout none\necho c\n");
        assertEquals(new TaskSpec(1, "echo a", 0, 1), specs.get(0));
        assertEquals(new TaskSpec(4, "echo b", 2000, 4), specs.get(1));
        assertEquals(new TaskSpec(6, "echo c", 0, 4), specs.get(2));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "echo ok\\nsleep abc|2|malformed sleep",
            "sleep -5|1|negative sleep",
            "sleep|1|malformed sleep",
            "sleep 1.5|1|malformed sleep",
            "echo ok\\n\\n@frobnicate 3|3|unknown directive '@frobnicate'",
            "@timeout soon|1|bad @timeout",
            "@retries many|1|bad @retries",
            "# only a comment\\n|0|the workload has no tasks",
            "@replicas 0|1|bad @replicas",
            "@replicas 10001|1|bad @replicas: expected a whole number from 1 to 10000",
            "@replicas ten|1|bad @replicas",
            "echo\\n@env 1X=a|2|bad @env: '1X' is not a variable name",
            "@env A-B=1|1|bad @env: 'A-B' is not a variable name",
            "@env =1|1|bad @env: '' is not a variable name",
            "@env NOVALUE|1|bad @env: expected NAME=VALUE",
            "@env DROVER_REPLICA=3|1|bad @env: DROVER_REPLICA: DROVER_* variables are set by Drover"})
    void rejectsBadLinesNamingFileLineAndReason(String text, int line, String reason) {
        WorkloadException e = assertThrows(WorkloadException.class, () -> read(text.replace("\\n", "\n")));
        assertEquals("w.txt", e.source());
        assertEquals(line, e.line());
        assertEquals(true, e.reason().startsWith(reason), e.getMessage());
        assertEquals(true, e.getMessage().startsWith(line > 0 ? "w.txt:" + line + ": " : "w.txt: "), e.getMessage());
    }

    @Test
    void rejectsBytesThatAreNotUtf8() {
        byte[] bytes = {'e', 'c', 'h', 'o', ' ', (byte) 0xC3, (byte) 0x28, '\n'};
        byte[] all = new byte[bytes.length + 8];
        System.arraycopy("sleep 1\n".getBytes(StandardCharsets.US_ASCII), 0, all, 0, 8);
        System.arraycopy(bytes, 0, all, 8, bytes.length);
        WorkloadException e = assertThrows(WorkloadException.class, () -> read(all));
        assertEquals(2, e.line());
        assertEquals("not valid UTF-8 text", e.reason());
    }

    @Test
    void rejectsALineOverTheLimit() {
        String longLine = "echo " + "x".repeat(WorkloadReader.MAX_LINE_BYTES);
        WorkloadException e = assertThrows(WorkloadException.class, () -> read("sleep 1\n" + longLine + "\n"));
        assertEquals(2, e.line());
    }

    @Test
    void linesAcrossTheReadBlocksAreReadWholeAndAResumedReaderGoesOnFromItsCheckpoint(@TempDir Path dir) throws Exception {
        // lines of every length around the 64 KiB blocks the reader takes in, CRLF and UTF-8 among them, and one
        // line of exactly the limit: each is read whole, and a reader opened at any checkpoint reads the same rest
        StringBuilder text = new StringBuilder();
        List<String> commands = new ArrayList<>();
        for (int i = 0; text.length() < 3 * 64 * 1024; i++) {
            String command = "echo " + "é".repeat(i % 3) + "x".repeat(1 + (i * 7919) % 3000);
            commands.add(command);
            text.append(command).append(i % 2 == 0 ? "\r\n" : "\n");
        }
        String atLimit = "echo " + "y".repeat(WorkloadReader.MAX_LINE_BYTES - "echo ".length());
        commands.add(atLimit);
        text.append(atLimit).append('\n').append("sleep 0"); // the last line without its LF
        commands.add("sleep 0");
        Path file = dir.resolve("w.txt");
        Files.writeString(file, text);
        List<WorkloadReader.Checkpoint> checkpoints = new ArrayList<>();
        List<String> read = new ArrayList<>();
        try (WorkloadReader reader = WorkloadReader.open(file)) {
            for (TaskSpec t; (t = reader.next()) != null; ) {
                read.add(t.command());
                checkpoints.add(reader.checkpoint());
            }
        }
        assertEquals(commands, read);
        for (int at : new int[] {0, 1, 7, checkpoints.size() / 2, checkpoints.size() - 3, checkpoints.size() - 2}) {
            List<String> rest = new ArrayList<>();
            try (WorkloadReader reader = WorkloadReader.open(file, checkpoints.get(at))) {
                for (TaskSpec t; (t = reader.next()) != null; ) {
                    rest.add(t.command());
                }
            }
            assertEquals(commands.subList(at + 1, commands.size()), rest, "from the checkpoint after task " + at);
        }
    }

    @Test
    void rejectsAFileThatDoesNotExist() {
        WorkloadException e = assertThrows(WorkloadException.class, () -> WorkloadReader.validate(Path.of("/no/such/workload.txt")));
        assertEquals("/no/such/workload.txt: no such file", e.getMessage());
    }

    @Test
    void streamsAMillionLinesWithoutHoldingThem() throws Exception {
        long[] count = {0};
        var in = new java.io.InputStream() {
            long emitted;
            final byte[] line = "sleep 0\n".getBytes(StandardCharsets.US_ASCII);

            @Override
            public int read() {
                if (emitted >= 1_000_000L * line.length) {
                    return -1;
                }
                return line[(int) (emitted++ % line.length)];
            }
        };
        new WorkloadReader(in, "gen").forEach(s -> count[0]++);
        assertEquals(1_000_000, count[0]);
    }

    @Test
    void replicasMakeEachLineNTasksUntilReplicasOne() throws Exception {
        List<TaskSpec> specs = read("echo a\n@replicas 3\necho b\nsleep 5\n@replicas 1\necho c\n");
        assertEquals(1 + 3 + 3 + 1, specs.size());
        assertEquals(new TaskSpec(1, "echo a", 0, 1, 0, java.util.Map.of()), specs.get(0));
        for (int r = 0; r < 3; r++) {
            assertEquals(new TaskSpec(3, "echo b", 0, 1, r, java.util.Map.of()), specs.get(1 + r));
            assertEquals(new TaskSpec(4, "sleep 5", 0, 1, r, java.util.Map.of()), specs.get(4 + r));
        }
        assertEquals(new TaskSpec(6, "echo c", 0, 1, 0, java.util.Map.of()), specs.get(7));
        assertEquals(8, WorkloadReader.validate(write("echo a\n@replicas 3\necho b\nsleep 5\n@replicas 1\necho c\n")),
                "a job's task count counts every replica");
    }

    @Test
    void envAppliesToTheLinesAfterItAndAnEmptyValueUnsets() throws Exception {
        List<TaskSpec> specs = read("@env A=1\necho 1\n@env B=x = y\n@env A=\n@env PATH=\necho 2\n@env A=3\necho 3\n");
        assertEquals(java.util.Map.of("A", "1"), specs.get(0).env());
        java.util.Map<String, String> second = new java.util.HashMap<>();
        second.put("B", "x = y");
        second.put("PATH", null);
        assertEquals(second, specs.get(1).env(), "A= removes A; PATH= unsets the base PATH");
        assertEquals("3", specs.get(2).env().get("A"));
        assertEquals("x = y", specs.get(2).env().get("B"));
    }

    @Test
    void replicasAndEnvTravelOnTheTask() throws Exception {
        List<TaskSpec> specs = read("@env K=v\n@replicas 2\necho hi\n");
        dev.drover.core.model.Task task = specs.get(1).toTask(5, "ab12");
        assertEquals(1, task.replica());
        assertEquals("v", task.env().get("K"));
        assertEquals("ab12", task.files());
        String json = dev.drover.core.codec.Json.write(task);
        assertEquals(task, dev.drover.core.codec.Json.read(json, dev.drover.core.model.Task.class));
        String plain = dev.drover.core.codec.Json.write(new dev.drover.core.model.Task(1, 1, "sleep 1", 0, 1, 1));
        assertEquals(false, plain.contains("replica") || plain.contains("env") || plain.contains("files"),
                "a plain task's message carries none of them: " + plain);
    }

    private Path write(String text) throws java.io.IOException {
        Path file = java.nio.file.Files.createTempFile("workload", ".txt");
        file.toFile().deleteOnExit();
        return java.nio.file.Files.writeString(file, text);
    }
}
