package dev.drover.core.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.model.Task;
import dev.drover.core.model.TaskStatus;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShellExecutorTest {
    @TempDir
    Path scratch;

    Outcome run(ShellExecutor shell, String command) {
        return shell.run("j", new Task(0, 1, command, 20_000, 1, 1), () -> false);
    }

    @Test
    void aTaskThatWritesForeverIsKilledWithAClearReason() {
        Outcome out = run(new ShellExecutor(scratch, 1024, 1 << 20, TaskEnvironment.fromWorker(System.getenv()), Workspace.NONE), "yes drover");
        assertEquals(TaskStatus.FAILED, out.status());
        assertTrue(out.error().contains("more than 1048576 bytes of output"), out.error());
        assertTrue(out.stdoutTruncated());
    }

    @Test
    void aTaskRunsInASessionOfItsOwnSoSignalsForTheWorkerDoNotReachIt() {
        Outcome out = run(new ShellExecutor(scratch, 1024, 1 << 20, TaskEnvironment.fromWorker(System.getenv()), Workspace.NONE), "test \"$(cut -d' ' -f6 /proc/$$/stat)\" = \"$$\"");
        assertEquals(0, out.exitCode(), "the shell leads its own session: " + out.stderr());
    }

    @Test
    void exitCodeAndOutputAreKept() {
        Outcome out = run(new ShellExecutor(scratch, 1024, 1 << 20, TaskEnvironment.fromWorker(System.getenv()), Workspace.NONE), "echo out; echo err >&2; exit 3");
        assertEquals(TaskStatus.FAILED, out.status());
        assertEquals(3, out.exitCode());
        assertEquals("out\n", out.stdout());
        assertEquals("err\n", out.stderr());
    }

    @Test
    void nothingATaskLeftRunningOutlivesIt() throws Exception {
        Path pidFile = scratch.resolve("background.pid");
        Outcome out = run(new ShellExecutor(scratch, 1024, 1 << 20, TaskEnvironment.fromWorker(System.getenv()), Workspace.NONE), "/bin/sleep 60 & echo $! > " + pidFile + "; exit 0");
        assertEquals(0, out.exitCode(), out.stderr());
        long pid = Long.parseLong(java.nio.file.Files.readString(pidFile).trim());
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true), "the background sleep was killed with its task");
    }
}
