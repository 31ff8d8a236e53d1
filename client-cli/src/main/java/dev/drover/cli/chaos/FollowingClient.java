package dev.drover.cli.chaos;

import dev.drover.cli.ClientEnvironment;
import dev.drover.cli.Main;
import dev.drover.core.codec.Json;
import dev.drover.core.model.TaskResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a user runs against replicas: {@code drover submit --wait -s A,B,C}, the real command in this
 * JVM on a thread of its own, keeping every result it received ({@code --results FILE}) so the
 * harness counts what reached the client, not what a scheduler says it sent.
 */
final class FollowingClient {
    private static final Pattern SUBMITTED = Pattern.compile("job (\\S+): \\d+ tasks submitted");

    private final Path results;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final CompletableFuture<Integer> exit;

    FollowingClient(List<String> addresses, Path tokenFile, Path workload, Path dir) throws IOException {
        Files.createDirectories(dir);
        this.results = dir.resolve("client-results.jsonl");
        Path home = Files.createDirectories(dir.resolve("home"));
        ClientEnvironment env = ClientEnvironment.of(Map.of("HOME", home.toString()), home.toString());
        String[] args = {"submit", "-s", String.join(",", addresses), "--token-file", tokenFile.toString(),
                "-w", workload.toString(), "--wait", "-q", "--results", results.toString()};
        exit = CompletableFuture.supplyAsync(() -> Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), env),
                r -> {
                    Thread t = new Thread(r, "chaos-following-client");
                    t.setDaemon(true); // a follow stuck past the deadline must not hold the harness's exit
                    t.start();
                });
    }

    /** The job id, once the submit has answered. */
    Optional<String> jobId() {
        Matcher m = SUBMITTED.matcher(err.toString());
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** The exit code, if the command ended within {@code millis}. */
    Optional<Integer> await(long millis) throws InterruptedException {
        try {
            return Optional.of(exit.get(Math.max(1, millis), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (java.util.concurrent.ExecutionException e) {
            err.append("\n").append(e.getCause().toString());
            return Optional.of(-1);
        }
    }

    boolean done() {
        return exit.isDone();
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
        Files.writeString(file, err.toString(), StandardCharsets.UTF_8);
    }

    /** Its standard error's last line (the summary or the error), for the notes. */
    String lastWords() {
        List<String> lines = err.toString().lines().filter(l -> !l.isBlank()).toList();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }
}
