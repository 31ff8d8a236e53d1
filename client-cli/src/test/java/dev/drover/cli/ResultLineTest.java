package dev.drover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.drover.core.codec.Json;
import dev.drover.core.model.OutputFile;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The follow client's reading of a result line: the same fields as a full decode, whatever the text holds. */
class ResultLineTest {
    private static TaskResult result(String command, String stdout, TaskStatus status, long seq) {
        return new TaskResult("j-1", seq, (int) seq + 1, command, status, 3, stdout, "err \"status\":\"SUCCEEDED\"",
                false, true, "w-1", 1_000, 1_500, 2_750, 2, null, 1,
                List.of(new OutputFile("seq/line", 12, "ab")));
    }

    private static void assertSame(TaskResult r, ResultLine l) {
        assertEquals(r.seq(), l.seq());
        assertEquals(r.line(), l.line());
        assertEquals(r.status(), l.status());
        assertEquals(r.latencyMillis(), l.latencyMillis());
        assertEquals(r, l.full());
    }

    @Test
    void readsTheFieldsAFullDecodeReads() {
        for (TaskStatus status : TaskStatus.values()) {
            TaskResult r = result("echo hi", "", status, 41);
            assertSame(r, ResultLine.parse(Json.write(r)));
        }
    }

    @Test
    void keysInsideStringsAreNotTakenForFields() {
        TaskResult r = result("echo '\"seq\":9,\"line\":9,\"status\":\"FAILED\",\"queuedAt\":9,'",
                "\"finishedAt\":1}", TaskStatus.SUCCEEDED, 7);
        assertSame(r, ResultLine.parse(Json.write(r)));
    }

    @Test
    void aLineWrittenOtherwiseIsReadByTheParser() throws Exception {
        TaskResult r = result("true", "x", TaskStatus.TIMED_OUT, 5);
        String pretty = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(r).replace('\n', ' ');
        assertSame(r, ResultLine.parse(pretty));
        String reordered = "{\"status\":\"FAILED\",\"finishedAt\":30,\"queuedAt\":10,\"line\":4,\"seq\":3}";
        ResultLine l = ResultLine.parse(reordered);
        assertEquals(3, l.seq());
        assertEquals(4, l.line());
        assertEquals(TaskStatus.FAILED, l.status());
        assertEquals(20, l.latencyMillis());
    }

    @Test
    void badLinesAreRefusedWithAReason() {
        for (String bad : new String[] {"", "[]", "{\"seq\":1}", "{\"seq\":1,\"status\":\"NOPE\"}", "{\"seq\":"}) {
            assertThrows(IllegalArgumentException.class, () -> ResultLine.parse(bad), bad);
        }
    }
}
