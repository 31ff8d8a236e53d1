package dev.drover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stopped {@code drover run} leaves nothing behind: emulators, workers and their tasks all end
 * with it, whether it is asked to stop (SIGTERM: its temporary folder and its workers' files caches go too) or killed outright
 * (SIGKILL: no hook runs).
 */
class RunStoppedTest {
    /** The bound: no process of the run is left this long after it was stopped. */
    static final Duration LEFT_BEHIND_AFTER = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @Test
    void sigtermOfARunEndsEveryProcessItStarted() throws Exception {
        assertNothingLeftBehind(false);
    }

    @Test
    void sigkillOfARunEndsEveryProcessItStarted() throws Exception {
        assertNothingLeftBehind(true);
    }

    void assertNothingLeftBehind(boolean kill9) throws Exception {
        Path workload = Files.writeString(dir.resolve("sleeps.txt"),
                IntStream.range(0, 40).mapToObj(i -> "/bin/sleep 200").collect(Collectors.joining("\n")) + "\n");
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        try (DroverProcess run = DroverProcess.start(dir.resolve("run.log"), Map.of("JAVA_TOOL_OPTIONS", "-Djava.io.tmpdir=" + tmp),
                "run", "--workers", "2", "--worker-threads", "2", workload.toString())) {
            List<ProcessHandle> started = awaitTasksRunning(run);
            if (kill9) {
                run.process.destroyForcibly();
            } else {
                run.process.destroy();
            }
            long end = System.nanoTime() + LEFT_BEHIND_AFTER.toNanos();
            while (started.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < end) {
                Thread.sleep(100);
            }
            List<String> alive = started.stream().filter(ProcessHandle::isAlive)
                    .map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList();
            assertEquals(List.of(), alive, "still running " + LEFT_BEHIND_AFTER + " after the stop; run's log:\n" + run.output());
            if (!kill9) {
                try (var left = Files.list(tmp)) {
                    assertEquals(List.of(), left.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("drover-run-") || n.startsWith("drover-files-")).toList(),
                            "its temporary folder and its workers' files caches are deleted too (kill -9 leaves them: no hook runs)");
                }
            }
        }
    }

    /** Every descendant of the run, once both workers run tasks: emulators, workers, task shells, sleeps. */
    static List<ProcessHandle> awaitTasksRunning(DroverProcess run) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < end) {
            List<ProcessHandle> all = run.process.descendants().toList();
            long sleeps = all.stream().filter(p -> p.info().command().map(c -> c.endsWith("/sleep")).orElse(false)).count();
            if (sleeps >= 4) {
                return all;
            }
            if (!run.process.isAlive()) {
                throw new AssertionError("drover run ended early:\n" + run.output());
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no tasks running after 120 s:\n" + run.output());
    }
}
