package dev.drover.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code drover ARGS} as a real process on this test's class path, its output in a file. */
final class DroverProcess implements AutoCloseable {
    final Process process;
    final Path log;

    private DroverProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static DroverProcess start(Path log, Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-XX:+UseSerialGC", "-Xmx256m"));
        for (String property : List.of("drover.home", "drover.emulators")) {
            Optional.ofNullable(System.getProperty(property)).ifPresent(v -> cmd.add("-D" + property + "=" + v));
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        return new DroverProcess(pb.start(), log);
    }

    String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first group of {@code pattern} in the output, once it appears; fails if the process ends first. */
    String await(Pattern pattern, Duration within) throws InterruptedException {
        long end = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < end) {
            Matcher m = pattern.matcher(output());
            if (m.find()) {
                return m.groupCount() > 0 ? m.group(1) : m.group();
            }
            if (!process.isAlive()) {
                throw new AssertionError("drover exited with " + process.exitValue() + " before " + pattern + ":\n" + output());
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no " + pattern + " in " + within + ":\n" + output());
    }

    /** The scheduler's address once it listens. */
    String awaitListening() throws InterruptedException {
        return "127.0.0.1:" + await(Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)"), Duration.ofSeconds(60));
    }

    Optional<ProcessHandle> handle() {
        return Optional.of(process.toHandle());
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
