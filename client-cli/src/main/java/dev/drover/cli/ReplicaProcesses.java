package dev.drover.cli;

import dev.drover.localaws.ParentWatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code drover run --replicas N}: N {@code drover scheduler -rw --replica} child JVMs on one local
 * stack. Each runs under {@link ParentWatch} with its stdin a pipe from this process, so it halts
 * when this process ends, however it ends (kill -9 included: the kernel closes the pipe).
 */
final class ReplicaProcesses implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);

    private final List<Process> processes = new ArrayList<>();
    private final List<String> addresses = new ArrayList<>();
    private final List<Path> logs = new ArrayList<>();
    private final Path tokenFile;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    /**
     * Starts the first replica, which makes the stack's admin and writes its token, then the others
     * (they find the admin in the stack's users table); returns once every one answers.
     */
    ReplicaProcesses(int count, Map<String, String> awsEnvironment, Path dir) throws IOException, InterruptedException {
        tokenFile = dir.resolve("admin-token");
        try {
            start(0, awsEnvironment, dir);
            awaitReady(0);
            for (int i = 1; i < count; i++) {
                start(i, awsEnvironment, dir);
            }
            for (int i = 1; i < count; i++) {
                awaitReady(i);
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Every replica's HOST:PORT, in start order. */
    List<String> addresses() {
        return List.copyOf(addresses);
    }

    /** The admin's token, written by the first replica. */
    String token() throws IOException {
        return Files.readString(tokenFile).trim();
    }

    private void start(int i, Map<String, String> awsEnvironment, Path dir) throws IOException {
        Path data = Files.createDirectories(dir.resolve("replica-" + i));
        int port = freePort();
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Ddrover.role=scheduler", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), ParentWatch.class.getName(), Main.class.getName(),
                "scheduler", "-rw", "--replica", "-s", Integer.toString(port), "--data", data.toString(),
                "--admin-token-file", tokenFile.toString()));
        Path log = data.resolve("scheduler.log");
        // stdin stays a pipe from this JVM: ParentWatch halts the replica when it closes
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(awsEnvironment);
        processes.add(pb.start());
        addresses.add("127.0.0.1:" + port);
        logs.add(log);
    }

    private void awaitReady(int i) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://" + addresses.get(i) + "/health"))
                .timeout(Duration.ofSeconds(1)).GET().build();
        while (true) {
            try {
                if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (!processes.get(i).isAlive() || System.nanoTime() > deadline) {
                throw new IOException("scheduler replica " + (i + 1) + " did not start; its log:\n" + Files.readString(logs.get(i)));
            }
            Thread.sleep(100);
        }
    }

    private static int freePort() {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGTERM to every replica (each leaves the registry), then kill -9 of any still there after the bound. */
    @Override
    public void close() {
        processes.forEach(Process::destroy);
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        for (Process p : processes) {
            try {
                if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
