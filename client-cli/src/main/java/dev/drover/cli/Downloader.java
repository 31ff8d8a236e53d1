package dev.drover.cli;

import dev.drover.core.codec.Json;
import dev.drover.core.files.FilesPack;
import dev.drover.core.files.OutputNames;
import dev.drover.core.model.OutputFile;
import dev.drover.core.model.TaskResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.nio.file.InvalidPathException;

/**
 * {@code --download DIR}: every output file of a job's tasks, written to {@code DIR/<seq>/<path>}, and
 * a task's whole stdout and stderr where they outgrew the result ({@code DIR/<seq>/.drover/stdout}),
 * through the scheduler, each checked against its SHA-256. A file already there and intact is
 * skipped, so an interrupted download resumes where it stopped; a file is written under a temporary
 * name and moved into place only once its hash matches.
 */
final class Downloader {
    record Totals(long files, long downloaded, long skipped, long bytes, List<String> failures) {}

    private final SchedulerClient client;
    private final Path dir;

    Downloader(SchedulerClient client, Path dir) {
        this.client = client;
        this.dir = dir.toAbsolutePath().normalize();
    }

    Totals download(String jobId, PrintWriter err) throws IOException, InterruptedException {
        List<TaskResult> results = new ArrayList<>();
        client.results(jobId, false, line -> {
            TaskResult r = Json.result(line);
            if (!r.downloads().isEmpty()) {
                results.add(r);
            }
        });
        Files.createDirectories(dir);
        long files = 0;
        long downloaded = 0;
        long skipped = 0;
        long bytes = 0;
        List<String> failures = new ArrayList<>();
        for (TaskResult r : results) {
            for (OutputFile f : r.downloads()) {
                files++;
                Path target = local(dir.resolve(Long.toString(r.seq())), f.path());
                if (target == null) {
                    failures.add(r.seq() + "/" + f.path() + ": a path outside the task's directory");
                    continue;
                }
                if (intact(target, f)) {
                    skipped++;
                    continue;
                }
                Files.createDirectories(target.getParent());
                Path part = target.resolveSibling(target.getFileName() + ".drover-part");
                try (InputStream in = client.output(jobId, r.seq(), f.path())) {
                    Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException e) {
                    Files.deleteIfExists(part);
                    failures.add(r.seq() + "/" + f.path() + ": " + e.getMessage());
                    continue;
                }
                String sha = FilesPack.sha256(part);
                if (!sha.equals(f.sha256())) {
                    Files.deleteIfExists(part);
                    failures.add(r.seq() + "/" + f.path() + ": SHA-256 " + sha + ", expected " + f.sha256());
                    continue;
                }
                Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                downloaded++;
                bytes += f.bytes();
            }
        }
        err.printf("download to %s: %d output files, %d downloaded (%d bytes), %d already there and intact%s%n", dir,
                files, downloaded, bytes, skipped, failures.isEmpty() ? "" : ", " + failures.size() + " failed");
        failures.stream().limit(20).forEach(f -> err.println("  failed: " + f));
        err.flush();
        return new Totals(files, downloaded, skipped, bytes, failures);
    }

    /**
     * Where an output lands under its task's directory: each {@code /}-separated name decoded
     * ({@link OutputNames}) and taken as one name, so an encoded backslash stays a character of a name
     * (on Windows, where it would separate, the name is refused). Null for an empty, {@code .},
     * {@code ..} or absolute name, or one this file system cannot hold.
     */
    static Path local(Path taskDir, String stored) {
        Path target = taskDir;
        for (String encoded : stored.split("/", -1)) {
            String name = OutputNames.decode(encoded);
            Path one;
            try {
                one = Path.of(name);
            } catch (InvalidPathException e) {
                return null;
            }
            if (name.isEmpty() || name.equals(".") || name.equals("..") || name.contains("/") || one.isAbsolute()
                    || one.getRoot() != null || one.getNameCount() != 1) {
                return null;
            }
            target = target.resolve(one);
        }
        return target.normalize().startsWith(taskDir) && !target.equals(taskDir) ? target : null;
    }

    private static boolean intact(Path target, OutputFile f) throws IOException {
        return Files.isRegularFile(target) && Files.size(target) == f.bytes() && FilesPack.sha256(target).equals(f.sha256());
    }
}
