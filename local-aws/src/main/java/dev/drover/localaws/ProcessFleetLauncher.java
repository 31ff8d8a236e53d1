package dev.drover.localaws;

import dev.drover.core.port.FleetLauncher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Local worker processes standing in for EC2 instances: each is a {@code drover worker} child with
 * the emulators' environment. A child watches its stdin, so it exits when this process dies, even
 * by {@code kill -9}; {@link #close} asks every child to drain (SIGTERM) and reaps it.
 */
public final class ProcessFleetLauncher implements FleetLauncher, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProcessFleetLauncher.class);

    private final List<String> command;
    private final Map<String, String> environment;
    private final Path logDir;
    private final Clock clock;
    private final Map<String, Process> processes = new ConcurrentHashMap<>();
    private final Map<String, Member> members = new ConcurrentHashMap<>();
    private final AtomicInteger launched = new AtomicInteger();

    /** @param command the worker command line, e.g. {@code java -jar drover.jar worker -t 4 -i 30} */
    public ProcessFleetLauncher(List<String> command, Map<String, String> environment, Path logDir, Clock clock) {
        this.command = List.copyOf(command);
        this.environment = Map.copyOf(environment);
        this.logDir = logDir;
        this.clock = clock;
    }

    @Override
    public List<String> launch(int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = "proc-" + launched.incrementAndGet();
            List<String> cmd = new ArrayList<>(command);
            cmd.addAll(List.of("--id", id));
            try {
                Files.createDirectories(logDir);
                ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                        .redirectOutput(logDir.resolve(id + ".log").toFile());
                pb.environment().putAll(environment);
                pb.environment().put("DROVER_PARENT_WATCH", "1");
                Process p = pb.start();
                long now = clock.millis();
                processes.put(id, p);
                members.put(id, new Member(id, now, 0));
                p.onExit().thenRun(() -> {
                    members.computeIfPresent(id, (k, m) -> new Member(id, m.launchedAt(), clock.millis()));
                    log.info("worker {} exited with {}", id, p.exitValue());
                });
                ids.add(id);
            } catch (IOException e) {
                throw new UncheckedIOException("could not start worker process " + id, e);
            }
        }
        log.info("launched {} worker processes: {}", ids.size(), ids);
        return ids;
    }

    @Override
    public List<Member> members() {
        return new ArrayList<>(members.values());
    }

    /** The process of a worker, for operators and fault-injection tests. */
    public Optional<ProcessHandle> process(String id) {
        return Optional.ofNullable(processes.get(id)).map(Process::toHandle);
    }

    /** Waits up to {@code millis} for every worker to exit by itself; true if all did. */
    public boolean awaitAllExited(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        for (Process p : processes.values()) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !p.waitFor(left, TimeUnit.NANOSECONDS)) {
                return false;
            }
        }
        return true;
    }

    /** Drains every live worker (SIGTERM), then kills what is left after the grace period. */
    @Override
    public void close() {
        processes.values().forEach(Process::destroy);
        for (Process p : processes.values()) {
            try {
                if (!p.waitFor(15, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
    }
}
