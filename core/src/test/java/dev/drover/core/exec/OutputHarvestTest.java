package dev.drover.core.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the worker uploads of a task's output directory: regular files only, never through a link, even one swapped in meanwhile. */
class OutputHarvestTest {
    @TempDir
    Path dir;

    private Path secretDir() throws IOException {
        Path secrets = Files.createDirectories(dir.resolve("etc-drover"));
        Files.writeString(secrets.resolve("worker.env"), "SECRET=1");
        return secrets;
    }

    private static List<String> files(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).map(p -> root.relativize(p).toString())
                    .sorted().toList();
        }
    }

    @Test
    void onlyRegularFilesAreTakenAndNoLinkIsFollowed() throws Exception {
        Path secrets = secretDir();
        Path output = Files.createDirectories(dir.resolve("task/output"));
        Files.createDirectories(output.resolve("sub/deeper"));
        Files.writeString(output.resolve("a.txt"), "a");
        Files.writeString(output.resolve("sub/deeper/b.txt"), "b");
        Files.createSymbolicLink(output.resolve("linked-dir"), secrets);
        Files.createSymbolicLink(output.resolve("sub/linked-file"), secrets.resolve("worker.env"));
        Process fifo = new ProcessBuilder("mkfifo", output.resolve("pipe").toString()).start();
        assertTrue(fifo.waitFor(10, TimeUnit.SECONDS) && fifo.exitValue() == 0);

        Path collected = dir.resolve("task/collected");
        List<String> dropped = OutputHarvest.harvest(output, collected, OptionalInt.empty(), "j-0");

        assertEquals(List.of("a.txt", "sub/deeper/b.txt"), files(collected));
        assertEquals(List.of("pipe"), dropped, "the FIFO is never opened");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(collected)));
        assertEquals("SECRET=1", Files.readString(secrets.resolve("worker.env")), "the link's target is untouched");
    }

    @Test
    void directoriesPastTheDepthBoundAreNotTaken() throws Exception {
        Path output = Files.createDirectories(dir.resolve("task/output"));
        Path deep = output;
        for (int i = 1; i < OutputHarvest.MAX_DEPTH + 2; i++) {
            deep = deep.resolve("d");
            Files.createDirectory(deep);
            Files.writeString(deep.resolve("f"), Integer.toString(i));
        }
        List<String> dropped = OutputHarvest.harvest(output, dir.resolve("task/collected"), OptionalInt.empty(), "j-0");
        assertEquals(1, dropped.size(), dropped.toString());
        assertEquals(OutputHarvest.MAX_DEPTH - 1, files(dir.resolve("task/collected")).size(), "every file above the bound is taken");
    }

    @Test
    void aFileTheTaskUserDoesNotOwnIsDropped() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root to chown");
        Path output = Files.createDirectories(dir.resolve("task/output"));
        Files.writeString(output.resolve("mine"), "mine");
        Files.writeString(output.resolve("roots"), "root's");
        Files.setAttribute(output.resolve("mine"), "unix:uid", 54321);
        Path collected = dir.resolve("task/collected");
        assertEquals(List.of("roots"), OutputHarvest.harvest(output, collected, OptionalInt.of(54321), "j-0"));
        assertEquals(List.of("mine"), files(collected));
    }

    /**
     * A process left behind swaps a directory of the outputs for a link to the worker's secrets and back,
     * as fast as it can, while the worker harvests: the secrets never come out.
     */
    @Test
    void aDirectorySwappedForALinkDuringTheHarvestIsNotFollowed() throws Exception {
        Path secrets = secretDir();
        int swapsSeen = 0;
        for (int round = 0; round < 40; round++) {
            Path task = Files.createDirectories(dir.resolve("task-" + round));
            Path output = Files.createDirectories(task.resolve("output"));
            Files.createDirectories(output.resolve("d"));
            Files.writeString(output.resolve("d/worker.env"), "the task's own");
            String loop = "cd " + output + "; while :; do mv d real; ln -s " + secrets + " d; rm d; mv real d; done";
            Process swapper = new ProcessBuilder("/bin/sh", "-c", loop).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try {
                Thread.sleep(5);
                Path collected = task.resolve("collected");
                OutputHarvest.harvest(output, collected, OptionalInt.empty(), "j-" + round);
                for (String f : files(collected)) {
                    String content = Files.readString(collected.resolve(f));
                    assertFalse(content.contains("SECRET"), f + " came from the worker's secrets");
                }
                if (!files(collected).contains("d/worker.env")) {
                    swapsSeen++;
                }
            } finally {
                swapper.destroyForcibly();
                swapper.waitFor();
            }
        }
        assertEquals("SECRET=1", Files.readString(secrets.resolve("worker.env")));
        assertEquals(List.of("worker.env"), files(secrets), "nothing was moved out of the secrets");
        System.out.println("rounds where the swap was caught mid-harvest: " + swapsSeen + " of 40");
    }
}
