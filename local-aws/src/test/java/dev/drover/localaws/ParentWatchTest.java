package dev.drover.localaws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An emulator child must not outlive its parent, even one killed with SIGKILL. */
class ParentWatchTest {

    @Test
    void childHaltsWhenItsParentIsKilledWithSigkill(@TempDir Path dir) throws Exception {
        Process parent = new ProcessBuilder(
                ProcessHandle.current().info().command().orElseThrow(),
                "-cp", System.getProperty("java.class.path"),
                KillableParent.class.getName(), dir.toString())
                .redirectErrorStream(true)
                .start();
        try {
            BufferedReader out = new BufferedReader(
                    new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("started", out.readLine());
            List<ProcessHandle> children = parent.children().toList();
            assertEquals(1, children.size());
            ProcessHandle child = children.get(0);
            assertTrue(child.isAlive());

            parent.destroyForcibly(); // SIGKILL on Linux: no shutdown hook runs in the parent
            assertTrue(parent.waitFor(10, TimeUnit.SECONDS));

            child.onExit().get(10, TimeUnit.SECONDS);
            assertFalse(child.isAlive());
        } finally {
            parent.destroyForcibly();
        }
    }

    /** Starts a long sleeper through ParentWatch, as LocalAws starts an emulator, then waits. */
    public static final class KillableParent {
        public static void main(String[] args) throws Exception {
            Path dir = Path.of(args[0]);
            EmulatorProcess.installLauncher(dir);
            EmulatorProcess.start("sleeper", 0, List.of(System.getProperty("java.class.path")), List.of(),
                    Sleeper.class.getName(), List.of(), dir, dir);
            System.out.println("started");
            System.out.flush();
            Thread.sleep(60_000);
        }
    }

    public static final class Sleeper {
        public static void main(String[] args) throws Exception {
            Thread.sleep(60_000);
        }
    }
}
