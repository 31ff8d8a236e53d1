package dev.drover.cli;

import dev.drover.core.codec.Json;
import dev.drover.core.files.FilesPack;
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
                Path target = dir.resolve(Long.toString(r.seq())).resolve(f.path()).normalize();
                if (!target.startsWith(dir.resolve(Long.toString(r.seq())))) {
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

    private static boolean intact(Path target, OutputFile f) throws IOException {
        return Files.isRegularFile(target) && Files.size(target) == f.bytes() && FilesPack.sha256(target).equals(f.sha256());
    }
}
