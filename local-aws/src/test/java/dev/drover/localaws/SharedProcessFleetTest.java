package dev.drover.localaws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.port.FleetLauncher.Member;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ProcessFleetLauncher#shared}: what the replicas of one stack rely on when the fleet's leader changes. A
 * JVM that sleeps (a one-file Java program) stands in for {@code drover worker}: the fleet's mark goes in as a JVM option.
 */
class SharedProcessFleetTest {
    @TempDir
    Path dir;

    private final String fleet = "test-fleet-" + System.nanoTime();

    @AfterEach
    void reap() {
        ProcessFleetLauncher.running(fleet).forEach(ProcessHandle::destroyForcibly);
    }

    @Test
    void anotherLauncherOfTheSameFleetFindsTheWorkersTheFirstLaunchedAndTheyOutliveItsClose() throws Exception {
        Path sleeper = Files.writeString(dir.resolve("Sleep.java"),
                "class Sleep { public static void main(String[] a) throws Exception { Thread.sleep(60_000); } }");
        List<String> worker = List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx32m", sleeper.toString());
        ProcessFleetLauncher first = ProcessFleetLauncher.shared(fleet, worker, Map.of(), dir.resolve("a"), Clock.systemUTC());
        ProcessFleetLauncher next = ProcessFleetLauncher.shared(fleet, worker, Map.of(), dir.resolve("b"), Clock.systemUTC());
        ProcessFleetLauncher otherFleet = ProcessFleetLauncher.shared(fleet + "-other", worker, Map.of(), dir.resolve("c"),
                Clock.systemUTC());

        List<String> ids = first.launch(1);
        String id = ids.get(0);
        assertTrue(id.startsWith("proc-" + ProcessHandle.current().pid() + "-"), id);
        first.close(); // a shared fleet's workers are left running
        waitFor(() -> next.members().stream().anyMatch(m -> m.id().equals(id) && m.alive()), "the next leader finds " + id);
        assertEquals(1, ProcessFleetLauncher.running(fleet).size());
        assertTrue(otherFleet.members().isEmpty(), "another stack's launcher sees none of this fleet");

        ProcessHandle process = first.process(id).orElseThrow();
        assertTrue(process.isAlive(), "the worker outlived its launcher's close");
        process.destroyForcibly();
        process.onExit().get();
        waitFor(() -> next.members().stream().filter(m -> m.id().equals(id)).findFirst().map(m -> !m.alive()).orElse(false),
                "the next leader sees " + id + " stopped");
        Optional<Member> gone = next.members().stream().filter(m -> m.id().equals(id)).findFirst();
        assertTrue(gone.orElseThrow().lifetimeMillis(System.currentTimeMillis()) > 0);
    }

    @Test
    void aFleetNameMustBeOneWord() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ProcessFleetLauncher.shared("two words", List.of("java"), Map.of(), dir, Clock.systemUTC()));
    }

    private static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + 30_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within 30 s: " + what);
            }
            Thread.sleep(100);
        }
    }
}
