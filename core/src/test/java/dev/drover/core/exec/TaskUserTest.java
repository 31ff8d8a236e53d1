package dev.drover.core.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.model.OutputFile;
import dev.drover.core.model.Task;
import dev.drover.core.model.TaskStatus;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs real tasks as a real unprivileged user, made for the test with {@code useradd -r} (and removed
 * after). Skipped where the test is not root or useradd/setpriv are missing.
 */
class TaskUserTest {
    private static final String NAME = "drovert" + Long.toString(ProcessHandle.current().pid(), 36);
    private static TaskUser user;

    @TempDir
    Path temp;

    @BeforeAll
    static void makeUser() throws Exception {
        user = SystemUsers.create(NAME);
    }

    @AfterAll
    static void removeUser() throws Exception {
        if (user != null) {
            SystemUsers.remove(NAME);
        }
    }

    /** Collects outputs as a payload store would: reading them as the worker does. */
    private static final class Collecting implements Workspace {
        final Map<String, String> uploaded = new ConcurrentHashMap<>();

        @Override
        public void populate(String filesSha256, Path workDir) throws IOException {
            throw new IOException("no files");
        }

        @Override
        public List<OutputFile> collect(String jobId, Task task, Path outputDir) throws IOException {
            List<OutputFile> out = new ArrayList<>();
            try (DirectoryStream<Path> files = Files.newDirectoryStream(outputDir)) {
                for (Path f : files) {
                    uploaded.put(f.getFileName().toString(), Files.readString(f));
                    out.add(new OutputFile(f.getFileName().toString(), Files.size(f), "-"));
                }
            }
            return out;
        }
    }

    private Outcome run(Workspace workspace, String command, java.util.function.BooleanSupplier cancelled) throws IOException {
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwx--x--x"));
        ShellExecutor shell = new ShellExecutor(temp.resolve("scratch"), 1 << 16, 1 << 20,
                TaskEnvironment.fromWorker(Map.of("PATH", TaskEnvironment.DEFAULT_PATH)), workspace, Optional.of(user));
        return shell.run("j", new Task(0, 1, command, 20_000, 1, 1), cancelled);
    }

    @Test
    void aTaskRunsAsTheTaskUserAndCannotReadTheWorkersFilesOrEnvironment() throws Exception {
        Path secret = temp.resolve("worker-secret");
        Files.writeString(secret, "s3cret");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        long worker = ProcessHandle.current().pid();
        Collecting workspace = new Collecting();
        Outcome out = run(workspace, "id -u; echo $USER; cat " + secret + " || echo no-file; cat /proc/" + worker
                + "/environ || echo no-environ; echo made > \"$DROVER_OUTPUT_DIR/result.txt\"; touch \"$TMPDIR/t\" && echo tmp-ok",
                () -> false);

        assertEquals(TaskStatus.SUCCEEDED, out.status(), out.stderr());
        List<String> lines = out.stdout().lines().toList();
        assertEquals(Integer.toString(user.uid()), lines.get(0));
        assertNotEquals("0", lines.get(0));
        assertEquals(NAME, lines.get(1));
        assertEquals(List.of("no-file", "no-environ", "tmp-ok"), lines.subList(2, 5), out.stdout());
        assertFalse(out.stdout().contains("s3cret"));
        assertTrue(out.stderr().contains("Permission denied"), out.stderr());
        assertEquals("made\n", workspace.uploaded.get("result.txt"), "the worker still collects the task's outputs");
        assertEquals(1, out.outputs().size());
    }

    @Test
    void aHardLinkToAFileTheTaskUserDoesNotOwnIsNotUploaded() throws Exception {
        Path mine = temp.resolve("root-file");
        Files.writeString(mine, "worker's");
        Collecting workspace = new Collecting();
        // the kernel may refuse the link itself (fs.protected_hardlinks); either way nothing of it goes out
        Outcome out = run(workspace, "ln " + mine + " \"$DROVER_OUTPUT_DIR/stolen\"; echo own > \"$DROVER_OUTPUT_DIR/own\"",
                () -> false);
        assertEquals(Map.of("own", "own\n"), workspace.uploaded, out.stderr());
    }

    @Test
    void aCancelledTaskOfTheTaskUserIsKilledWithEverythingItStarted() throws Exception {
        long start = System.nanoTime();
        Outcome out = run(new Collecting(), "sleep 60 & sleep 60", () -> System.nanoTime() - start > 500_000_000L);
        assertEquals(TaskStatus.CANCELLED, out.status());
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (processesOf(user.uid()) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(0, processesOf(user.uid()), "no process of the task user is left");
    }

    @Test
    void aProcessThatLeftTheTasksSessionIsKilledWhenTheTaskEnds() throws Exception {
        Outcome out = run(new Collecting(), "setsid -f sleep 60 </dev/null >/dev/null 2>&1; echo started", () -> false);
        assertEquals(TaskStatus.SUCCEEDED, out.status(), out.stderr());
        assertEquals("started\n", out.stdout());
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (processesOf(user.uid()) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(0, processesOf(user.uid()), "the escaped sleep is gone with its task");
    }

    @Test
    void killingOneTasksLeftoversSparesAnotherRunningTaskOfTheSameUser() throws Exception {
        java.util.concurrent.CompletableFuture<Outcome> slow = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return run(new Collecting(), "sleep 2; echo slow-done", () -> false);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Thread.sleep(500);
        Outcome quick = run(new Collecting(), "setsid -f sleep 60 </dev/null >/dev/null 2>&1; echo quick-done", () -> false);
        assertEquals("quick-done\n", quick.stdout(), quick.stderr());
        Outcome done = slow.get(30, TimeUnit.SECONDS);
        assertEquals(TaskStatus.SUCCEEDED, done.status(), done.stderr());
        assertEquals("slow-done\n", done.stdout(), "the running task was not taken for a leftover");
    }

    @Test
    void rootAndUnknownUsersAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> TaskUser.lookup("root"));
        assertThrows(IllegalArgumentException.class, () -> TaskUser.lookup("no-such-user-here"));
        assertThrows(IllegalArgumentException.class, () -> TaskUser.lookup("--help"));
    }

    private static long processesOf(int uid) throws IOException {
        try (var dirs = Files.list(Path.of("/proc"))) {
            return dirs.filter(d -> d.getFileName().toString().chars().allMatch(Character::isDigit)).filter(d -> {
                try {
                    return ((Integer) Files.getAttribute(d, "unix:uid")) == uid;
                } catch (IOException | RuntimeException e) {
                    return false;
                }
            }).count();
        }
    }
}
