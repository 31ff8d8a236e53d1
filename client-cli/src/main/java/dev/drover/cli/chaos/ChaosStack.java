package dev.drover.cli.chaos;

import dev.drover.service.EmbeddedAws;
import dev.drover.localaws.LocalAwsEndpoints;
import dev.drover.localaws.NativeParentWatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The emulators a scenario runs on, and the one fault that lives at their level: kill -9 of an
 * emulator, then the same command line again (same port, same data directory).
 */
final class ChaosStack implements AutoCloseable {
    enum Emulator {
        SQS("elasticmq"),
        DYNAMODB("dynamodb");

        final String logName;

        Emulator(String logName) {
            this.logName = logName;
        }

        /** Whether {@code p} is this emulator's server itself: ElasticMQ's JVM, or dynoxide, not the shell that watches it. */
        boolean isServer(ProcessHandle.Info p) {
            return switch (this) {
                case SQS -> p.commandLine().orElse("").contains("org.elasticmq.server.Main");
                case DYNAMODB -> p.command().orElse("").endsWith("/dynoxide");
            };
        }

        /** How LocalAws started the server: a JVM watches its parent itself; dynoxide needs its watch shell. */
        List<String> relaunch(List<String> serverCommand) {
            return switch (this) {
                case SQS -> serverCommand;
                case DYNAMODB -> NativeParentWatch.wrap(serverCommand);
            };
        }
    }

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    final EmbeddedAws aws;
    final boolean persistent;
    private final Path dir;
    private final List<Process> restarted = new ArrayList<>();

    private ChaosStack(EmbeddedAws aws, boolean persistent, Path dir) {
        this.aws = aws;
        this.persistent = persistent;
        this.dir = dir;
    }

    /** With {@code persistent}, queues and tables live under {@code dir}, so a killed emulator comes back with them. */
    /** Where the first child scheduler on this stack writes the admin token of the stack's users. */
    Path adminTokenFile() {
        return dir.resolve("admin-token");
    }

    static ChaosStack start(boolean persistent, Path dir) {
        return new ChaosStack(new EmbeddedAws(persistent ? Optional.of(dir.resolve("aws")) : Optional.empty()), persistent, dir);
    }

    LocalAwsEndpoints endpoints() {
        return aws.emulators.endpoints();
    }

    /** Empties the queues between runs, so no run sees another's messages. */
    void purgeQueues() {
        LocalAwsEndpoints e = endpoints();
        for (String url : List.of(e.requestQueueUrl(), e.responseQueueUrl(), e.deadLetterQueueUrl())) {
            aws.aws.sqs().purgeQueue(r -> r.queueUrl(url));
        }
    }

    /** kill -9 the emulator, wait {@code down}, start its exact command line again and wait until it listens. */
    void killAndRestart(Emulator emulator, Duration down) throws InterruptedException {
        if (!persistent) {
            throw new IllegalStateException("a killed emulator can only come back with its data: plan persistence");
        }
        // this stack's emulator, not another stack's: its command line names this stack's data directory
        String dataDir = dir.resolve("aws").toAbsolutePath().toString();
        ProcessHandle victim = ProcessHandle.current().descendants()
                .filter(p -> emulator.isServer(p.info()))
                .filter(p -> p.info().commandLine().orElse("").contains(dataDir))
                .findFirst().orElseThrow(() -> new IllegalStateException("no " + emulator + " process"));
        List<String> command = new ArrayList<>();
        command.add(victim.info().command().orElseThrow());
        command.addAll(List.of(victim.info().arguments().orElseThrow()));
        victim.destroyForcibly();
        victim.onExit().orTimeout(10, TimeUnit.SECONDS).join();
        Thread.sleep(down.toMillis());
        Path log = dir.resolve(emulator.logName + "-restarted.log");
        try {
            synchronized (restarted) {
                // stdin stays a pipe from this JVM: the emulator's parent watch ends it with us
                restarted.add(new ProcessBuilder(emulator.relaunch(command)).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restart " + emulator, e);
        }
        int port = (emulator == Emulator.SQS ? endpoints().sqs() : endpoints().dynamoDb()).getPort();
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (!listening(port) || (emulator == Emulator.SQS && !logContains(log, "=== ElasticMQ server"))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(emulator + " did not come back on port " + port + "; see " + log);
            }
            Thread.sleep(100);
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean logContains(Path log, String text) {
        try {
            return Files.readString(log).contains(text);
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        synchronized (restarted) {
            for (Process p : restarted) {
                p.descendants().forEach(ProcessHandle::destroyForcibly); // dynoxide under its watch shell
                p.destroyForcibly();
            }
        }
        aws.close();
    }
}
