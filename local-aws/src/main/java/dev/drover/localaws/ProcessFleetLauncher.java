package dev.drover.localaws;

import dev.drover.core.EnvironmentVariables;
import dev.drover.core.port.FleetLauncher;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Local worker processes standing in for EC2 instances: each is a {@code drover worker} child with
 * the emulators' environment.
 * <ul>
 * <li>{@linkplain #ProcessFleetLauncher Owned} (the default): a child watches its stdin, so it exits
 * when this process dies, even by {@code kill -9}; {@link #close} asks every child to drain (SIGTERM).</li>
 * <li>{@linkplain #shared Shared} by the replicas of one stack: like EC2 instances, the workers outlive
 * whoever launched them and end by their idle timeout alone; each carries the fleet's name on its command
 * line ({@code -Ddrover.fleet=NAME}, as an instance carries its tag), and {@link #members} finds those
 * another launcher started, so a replica that takes the fleet over sees the workers its last leader launched.</li>
 * </ul>
 */
public final class ProcessFleetLauncher implements FleetLauncher, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProcessFleetLauncher.class);
    /** The command-line mark of a shared fleet's workers: {@code -Ddrover.fleet=NAME}. */
    public static final String FLEET_MARK = "-Ddrover.fleet=";
    /** How often a shared fleet lists the machine's processes: the provisioner asks every 250 ms. */
    private static final long FIND_EVERY_MS = 1_000;

    private final List<String> command;
    private final Map<String, String> environment;
    private final Path logDir;
    private final Clock clock;
    private final Map<String, Process> processes = new ConcurrentHashMap<>();
    private final Map<String, Member> members = new ConcurrentHashMap<>();
    private final AtomicInteger launched = new AtomicInteger();
    /** The shared fleet's name, or empty for workers owned by this process. */
    private final Optional<String> fleet;
    private volatile long foundAt = Long.MIN_VALUE / 2; // long enough ago whatever the clock

    /** @param command the worker command line, e.g. {@code java -jar drover.jar worker -t 4 -i 30} */
    public ProcessFleetLauncher(List<String> command, Map<String, String> environment, Path logDir, Clock clock) {
        this(command, environment, logDir, clock, Optional.empty());
    }

    private ProcessFleetLauncher(List<String> command, Map<String, String> environment, Path logDir, Clock clock,
                                 Optional<String> fleet) {
        this.command = List.copyOf(command);
        this.environment = Map.copyOf(environment);
        this.logDir = logDir;
        this.clock = clock;
        this.fleet = fleet;
    }

    /**
     * A fleet shared by every launcher on this machine that names it (the replicas of one stack name it after
     * the stack's request queue). Its workers run without a parent watch, with their input from
     * {@code /dev/null}: the command must give them an idle timeout, which is how they end.
     */
    public static ProcessFleetLauncher shared(String name, List<String> command, Map<String, String> environment, Path logDir,
                                              Clock clock) {
        if (name.isBlank() || name.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("a fleet's name must be a word: '" + name + "'");
        }
        return new ProcessFleetLauncher(command, environment, logDir, clock, Optional.of(name));
    }

    @Override
    public List<String> launch(int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            // a shared fleet has several launchers over time: each names its workers after its own pid
            String id = fleet.isPresent() ? "proc-" + ProcessHandle.current().pid() + "-" + launched.incrementAndGet()
                    : "proc-" + launched.incrementAndGet();
            List<String> cmd = new ArrayList<>(command);
            fleet.ifPresent(name -> cmd.add(1, FLEET_MARK + name)); // after the java executable: a JVM option
            cmd.addAll(List.of("--id", id));
            try {
                Files.createDirectories(logDir);
                ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                        .redirectOutput(logDir.resolve(id + ".log").toFile());
                pb.environment().putAll(environment);
                if (fleet.isPresent()) {
                    pb.environment().remove(EnvironmentVariables.PARENT_WATCH);
                    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
                } else {
                    pb.environment().put(EnvironmentVariables.PARENT_WATCH, "1");
                }
                Process p = pb.start();
                long now = clock.millis();
                processes.put(id, p);
                members.put(id, new Member(id, now, 0));
                p.onExit().thenRun(() -> {
                    stopped(id);
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

    private void stopped(String id) {
        members.computeIfPresent(id, (k, m) -> m.alive() ? new Member(id, m.launchedAt(), clock.millis()) : m);
    }

    @Override
    public List<Member> members() {
        fleet.ifPresent(this::find);
        return new ArrayList<>(members.values());
    }

    /** Adds the fleet's workers another launcher started, and marks those no longer running as stopped. */
    private synchronized void find(String name) {
        long now = clock.millis();
        if (now - foundAt < FIND_EVERY_MS) {
            return;
        }
        foundAt = now;
        Set<String> running = new HashSet<>();
        for (ProcessHandle p : (Iterable<ProcessHandle>) ProcessHandle.allProcesses()::iterator) {
            workerIdOf(p, name).ifPresent(id -> {
                running.add(id);
                members.computeIfAbsent(id, k -> {
                    long started = p.info().startInstant().map(Instant::toEpochMilli).orElse(now);
                    log.info("found worker {} (pid {}) of fleet {}, launched elsewhere", id, p.pid(), name);
                    return new Member(id, started, 0);
                });
            });
        }
        members.keySet().stream().filter(id -> !running.contains(id) && !processes.containsKey(id)).toList()
                .forEach(this::stopped);
    }

    /** The worker id ({@code --id}) of a process of this fleet. */
    public static Optional<String> workerIdOf(ProcessHandle p, String name) {
        List<String> args = p.info().arguments().map(Arrays::asList).orElse(List.of());
        if (!args.contains(FLEET_MARK + name)) {
            return Optional.empty();
        }
        int at = args.indexOf("--id");
        return at >= 0 && at + 1 < args.size() ? Optional.of(args.get(at + 1)) : Optional.empty();
    }

    /** The processes of a shared fleet running on this machine, whoever launched them: for operators and tests. */
    public static List<ProcessHandle> running(String name) {
        return ProcessHandle.allProcesses().filter(p -> workerIdOf(p, name).isPresent()).toList();
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

    /**
     * Owned workers: drains every live one (SIGTERM), then kills what is left after the grace period. A
     * shared fleet's workers are left running: another replica may lead the fleet now, and they end by their idle timeout.
     */
    @Override
    public void close() {
        if (fleet.isPresent()) {
            return;
        }
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
