package dev.drover.localaws;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * One emulator running as a child process on 127.0.0.1, started through {@link ParentWatch} (a
 * JVM) or {@link NativeParentWatch} (a native binary) so that it dies with this process, with its
 * output going to a log file.
 */
final class EmulatorProcess {
    static final String LOOPBACK = "127.0.0.1";
    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final int LOG_TAIL_LINES = 30;
    private static final int FIRST_PORT = 20000;
    private static final int EPHEMERAL_PORTS_START = 32768;
    /** Java's BindException says "Address already in use", dynoxide "port N is already in use". */
    private static final String PORT_TAKEN = "already in use";

    private final String name;
    private final int port;
    private final Path log;
    private final Process process;

    private EmulatorProcess(String name, int port, Path log, Process process) {
        this.name = name;
        this.port = port;
        this.log = log;
        this.process = process;
    }

    /**
     * Starts {@code mainClass} in a new JVM (same {@code java} as this process) with the launcher
     * and the given class path; returns at once, see {@link #awaitReady}.
     */
    static EmulatorProcess start(String name, int port, List<String> classPath, List<String> jvmArgs,
                                 String mainClass, List<String> args, Path launcherDir, Path logDir) {
        List<String> command = new ArrayList<>();
        command.add(javaExecutable());
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(launcherDir + File.pathSeparator + String.join(File.pathSeparator, classPath));
        command.add(ParentWatch.class.getName());
        command.add(mainClass);
        command.addAll(args);
        return start(name, port, command, logDir);
    }

    /** Starts the native {@code executable}; returns at once, see {@link #awaitReady}. */
    static EmulatorProcess startNative(String name, int port, Path executable, List<String> args, Path logDir) {
        List<String> command = new ArrayList<>();
        command.add(executable.toString());
        command.addAll(args);
        return start(name, port, NativeParentWatch.wrap(command), logDir);
    }

    private static EmulatorProcess start(String name, int port, List<String> command, Path logDir) {
        Path log = logDir.resolve(name + ".log");
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    // stdin stays a pipe from us: ParentWatch halts the child when it closes.
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .start();
            return new EmulatorProcess(name, port, log, process);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + command, e);
        }
    }

    /** A class path entry for every jar in {@code dir}. */
    static String jarsIn(Path dir) {
        return dir + File.separator + "*";
    }

    /**
     * Copies the launcher's class file ({@link ParentWatch}) into {@code dir} so that child JVMs get
     * it and nothing else of Drover's class path (which, in a fat jar, holds conflicting libraries).
     */
    static void installLauncher(Path dir) {
        String resource = ParentWatch.class.getSimpleName() + ".class";
        Path target = dir.resolve(ParentWatch.class.getName().replace('.', '/') + ".class");
        try (InputStream in = ParentWatch.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("class file not found: " + resource);
            }
            Files.createDirectories(target.getParent());
            Files.write(target, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A port that is free now and stays free until the emulator binds it, as far as possible:
     * it is taken below every OS's ephemeral range (Linux's starts at 32768, macOS's and
     * Windows' at 49152), where no outgoing connection and no bind to port 0 elsewhere can grab
     * it in between. The emulators must be told their port up front.
     */
    static int freePort() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(FIRST_PORT, EPHEMERAL_PORTS_START);
            // Wildcard bind: fails if the port is in use on any address, loopback included.
            try (ServerSocket probe = new ServerSocket(port)) {
                return port;
            } catch (IOException taken) {
                // Try another.
            }
        }
        throw new IllegalStateException("no free port found in " + FIRST_PORT + ".." + EPHEMERAL_PORTS_START);
    }

    /**
     * Waits until {@code ready} holds, failing early with the log's tail if the process exits,
     * or at {@code deadline}.
     */
    void awaitReady(Instant deadline, Predicate<EmulatorProcess> ready) {
        while (true) {
            if (logContains(PORT_TAKEN)) {
                // Some emulators (ElasticMQ) stay alive without their port: fail now, not at the deadline;
                // others exit, which says less than this
                throw new PortTakenException(withLogTail(name + " could not listen on port " + port));
            }
            if (!process.isAlive()) {
                throw failure(name + " exited with code " + process.exitValue() + " before it was ready");
            }
            if (ready.test(this)) {
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                throw failure(name + " did not become ready on port " + port + " in time");
            }
            try {
                Thread.sleep(POLL_INTERVAL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failure("interrupted while waiting for " + name);
            }
        }
    }

    boolean acceptsConnections() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(LOOPBACK, port), (int) POLL_INTERVAL.toMillis());
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    boolean logContains(String text) {
        return logText().contains(text);
    }

    int port() {
        return port;
    }

    /**
     * Stops all at once: SIGTERM first so each can flush its data files, SIGKILL for any that
     * has not exited after {@link #STOP_TIMEOUT}; returns within twice that. A native emulator's
     * watch shell passes SIGTERM on; its descendants are signalled too, so a shell that died first
     * orphans nothing.
     */
    static void stopAll(List<EmulatorProcess> emulators) {
        // Taken before any signal: a watch shell that exits first hands its children to init.
        List<ProcessHandle> all = emulators.stream()
                .flatMap(e -> Stream.concat(e.process.descendants(), Stream.of(e.process.toHandle())))
                .toList();
        all.forEach(ProcessHandle::destroy);
        try {
            List<ProcessHandle> stuck = awaitExits(all);
            stuck.forEach(ProcessHandle::destroyForcibly);
            awaitExits(stuck); // SIGKILL cannot be refused; this only lets their files be released
        } catch (InterruptedException interrupted) {
            all.forEach(ProcessHandle::destroyForcibly);
            Thread.currentThread().interrupt();
        }
    }

    /** Those of {@code processes} still alive after waiting up to {@link #STOP_TIMEOUT} in all. */
    private static List<ProcessHandle> awaitExits(List<ProcessHandle> processes) throws InterruptedException {
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        for (ProcessHandle p : processes) {
            try {
                p.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                // Still alive: reported below.
            }
        }
        return processes.stream().filter(ProcessHandle::isAlive).toList();
    }

    private IllegalStateException failure(String message) {
        return new IllegalStateException(withLogTail(message));
    }

    private String withLogTail(String message) {
        return message + "; last lines of " + log + ":\n" + logTail();
    }

    private String logTail() {
        List<String> lines = logText().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    }

    /** Decoded leniently: a stray byte in an emulator's output must not hide its log. */
    private String logText() {
        try {
            return new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static String javaExecutable() {
        // The JVM running Drover, so emulators run on the same, known-good JDK.
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }
}
