package dev.drover.cli.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.nio.file.Files;

/** {@code drover scheduler -rw} as a child process, so that it can be killed with -9 and started again. */
final class ChildScheduler implements SchedulerHandle {
    /**
     * The {@code drover} command's main class, started as a process of its own: named, not referenced, so
     * the chaos suite does not depend on the commands that include it (a test holds the name to the class).
     */
    static final String DROVER_MAIN = "dev.drover.cli.Main";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final List<String> command;
    private final Map<String, String> environment;
    private final Path log;
    private final int port;
    /**
     * Where the first scheduler on a stack writes the admin's token (never the real home). The
     * users live in the stack's jobs table, so every later scheduler on the stack (a restart, the
     * next scenario's) finds them and writes none: the token file belongs to the stack.
     */
    private final Path tokenFile;
    private final JobClient client;
    private Process process;

    ChildScheduler(Map<String, String> environment, Path dataDir, Path tokenFile, int maxWorkers, int threads) throws IOException {
        this(environment, dataDir, tokenFile, maxWorkers, threads, List.of());
    }

    /** @param extra more options of {@code drover scheduler}, e.g. {@code --replica} */
    ChildScheduler(Map<String, String> environment, Path dataDir, Path tokenFile, int maxWorkers, int threads,
                   List<String> extra) throws IOException {
        Files.createDirectories(dataDir);
        this.port = freePort();
        this.environment = Map.copyOf(environment);
        this.log = dataDir.resolve("scheduler.log");
        this.tokenFile = tokenFile;
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(List.of("-Ddrover.role=scheduler", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), DROVER_MAIN, "scheduler", "-rw",
                "-s", Integer.toString(port), "--data", dataDir.toString(),
                "--admin-token-file", tokenFile.toString(),
                "--max-workers", Integer.toString(maxWorkers), "--worker-threads", Integer.toString(threads)));
        cmd.addAll(extra);
        this.command = List.copyOf(cmd);
        this.client = new JobClient(address(), this::token);
        restart();
    }

    @Override
    public String address() {
        return "127.0.0.1:" + port;
    }

    @Override
    public String token() {
        try {
            return Files.readString(tokenFile).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("the child scheduler wrote no token to " + tokenFile, e);
        }
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Its output, all runs appended. */
    Path log() {
        return log;
    }

    @Override
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized void restart() {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.environment().putAll(environment);
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the scheduler: " + command, e);
        }
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (!client.healthy()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException("the child scheduler did not come up; see " + log);
            }
            sleep(100);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
