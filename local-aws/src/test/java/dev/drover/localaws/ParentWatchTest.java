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

/** An emulator child, JVM or native, must not outlive its parent, even one killed with SIGKILL. */
class ParentWatchTest {

    @Test
    void childHaltsWhenItsParentIsKilledWithSigkill(@TempDir Path dir) throws Exception {
        childrenEndWithTheirParent(KillableParent.class, dir);
    }

    @Test
    void nativeChildIsStoppedWhenItsParentIsKilledWithSigkill(@TempDir Path dir) throws Exception {
        childrenEndWithTheirParent(KillableNativeParent.class, dir);
    }

    @Test
    void nativeWatchEndsWithItsCommandAndItsStatus(@TempDir Path dir) throws Exception {
        Process watch = new ProcessBuilder(NativeParentWatch.wrap(List.of("sh", "-c", "sleep 1; exit 3"))).start();
        try {
            ProcessHandle sleeper = awaitDescendant(watch.toHandle(), "sleep");
            List<ProcessHandle> under = watch.descendants().toList(); // the command, its sleep, the stdin watcher
            assertTrue(under.size() >= 3, under.toString());
            // stdin stays open, as LocalAws keeps it: the watch must not wait for it
            assertTrue(watch.waitFor(10, TimeUnit.SECONDS));
            assertEquals(3, watch.exitValue());
            sleeper.onExit().get(10, TimeUnit.SECONDS);
            for (ProcessHandle p : under) {
                p.onExit().get(10, TimeUnit.SECONDS); // the watcher too: nothing is left reading the pipe
            }
        } finally {
            watch.destroyForcibly();
        }
    }

    @Test
    void sigtermToTheNativeWatchStopsItsCommand() throws Exception {
        Process watch = new ProcessBuilder(NativeParentWatch.wrap(List.of("sleep", "60"))).start();
        try {
            ProcessHandle sleeper = awaitDescendant(watch.toHandle(), "sleep");
            watch.destroy();
            assertTrue(watch.waitFor(10, TimeUnit.SECONDS));
            sleeper.onExit().get(10, TimeUnit.SECONDS);
        } finally {
            watch.destroyForcibly();
        }
    }

    /** Kills {@code parentMain} (which starts a sleeper) with SIGKILL; every process under it must end. */
    private static void childrenEndWithTheirParent(Class<?> parentMain, Path dir) throws Exception {
        Process parent = new ProcessBuilder(
                ProcessHandle.current().info().command().orElseThrow(),
                "-cp", System.getProperty("java.class.path"),
                parentMain.getName(), dir.toString())
                .redirectErrorStream(true)
                .start();
        try {
            BufferedReader out = new BufferedReader(
                    new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("started", out.readLine());
            List<ProcessHandle> descendants = parent.descendants().toList();
            assertFalse(descendants.isEmpty());
            assertTrue(descendants.stream().allMatch(ProcessHandle::isAlive));

            parent.destroyForcibly(); // SIGKILL on Linux: no shutdown hook runs in the parent
            assertTrue(parent.waitFor(10, TimeUnit.SECONDS));

            for (ProcessHandle child : descendants) {
                child.onExit().get(10, TimeUnit.SECONDS);
                assertFalse(child.isAlive());
            }
        } finally {
            parent.destroyForcibly();
        }
    }

    private static ProcessHandle awaitDescendant(ProcessHandle parent, String command) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            var found = parent.descendants().filter(p -> p.info().command().orElse("").endsWith("/" + command)).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no " + command + " under " + parent.pid());
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

    /** Starts {@code sleep 60} through NativeParentWatch, as LocalAws starts dynoxide, then waits. */
    public static final class KillableNativeParent {
        public static void main(String[] args) throws Exception {
            EmulatorProcess.startNative("sleeper", 0, Path.of("/bin/sleep"), List.of("60"), Path.of(args[0]));
            awaitDescendant(ProcessHandle.current(), "sleep");
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
