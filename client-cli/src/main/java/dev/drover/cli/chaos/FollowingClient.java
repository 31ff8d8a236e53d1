package dev.drover.cli.chaos;

import dev.drover.core.codec.Json;
import dev.drover.core.model.TaskResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a user runs against replicas: {@code drover submit --wait -s A,B,C}, the real command in a
 * process of its own, keeping every result it received ({@code --results FILE}) so the harness
 * counts what reached the client, not what a scheduler says it sent.
 */
final class FollowingClient implements AutoCloseable {
    private static final Pattern SUBMITTED = Pattern.compile("job (\\S+): \\d+ tasks submitted");

    private final Path results;
    private final Path err;
    private final Process process;

    FollowingClient(List<String> addresses, Path tokenFile, Path workload, Path dir) throws IOException {
        Files.createDirectories(dir);
        this.results = dir.resolve("client-results.jsonl");
        this.err = dir.resolve("stderr.log");
        Path home = Files.createDirectories(dir.resolve("home"));
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), ChildScheduler.DROVER_MAIN,
                "submit", "-s", String.join(",", addresses), "--token-file", tokenFile.toString(),
                "-w", workload.toString(), "--wait", "-q", "--results", results.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(err.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("HOME", home.toString());
        pb.environment().remove("DROVER_SCHEDULER");
        pb.environment().remove("DROVER_TOKEN");
        this.process = pb.start();
    }

    /** The job id, once the submit has answered. */
    Optional<String> jobId() {
        Matcher m = SUBMITTED.matcher(stderr());
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** The exit code, if the command ended within {@code millis}. */
    Optional<Integer> await(long millis) throws InterruptedException {
        return process.waitFor(Math.max(1, millis), TimeUnit.MILLISECONDS) ? Optional.of(process.exitValue()) : Optional.empty();
    }

    boolean done() {
        return !process.isAlive();
    }

    /** Every result the client received, in order, duplicates included. */
    List<TaskResult> received() throws IOException {
        if (!Files.exists(results)) {
            return List.of();
        }
        return Files.readAllLines(results, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).map(Json::result).toList();
    }

    /** Keeps what it wrote to standard error (its progress, the follow's moves between replicas). */
    void keepLog(Path file) throws IOException {
        if (!file.equals(err)) {
            Files.writeString(file, stderr(), StandardCharsets.UTF_8);
        }
    }

    /** Its standard error's last line (the summary or the error), for the notes. */
    String lastWords() {
        List<String> lines = stderr().lines().filter(l -> !l.isBlank()).toList();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }

    private String stderr() {
        try {
            return Files.exists(err) ? Files.readString(err, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** A follow still running past the deadline is stopped: it must not outlive the harness. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
