package dev.drover.cli.chaos;

import dev.drover.core.Periodic;
import dev.drover.localaws.ProcessFleetLauncher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * The worker processes of a shared local fleet over time, whoever launched them: every 250 ms it lists
 * the machine's processes that carry the fleet's mark, as an operator would ({@code pgrep -f}).
 */
final class WorkerCensus implements AutoCloseable {
    private static final Duration EVERY = Duration.ofMillis(250);

    /** The fleet's live workers at one moment (wall-clock millis). */
    record Sample(long at, Set<String> ids) {}

    private final String fleet;
    private final List<Path> logDirs;
    private final List<Sample> samples = new CopyOnWriteArrayList<>();
    private final Map<String, ProcessHandle> seen = new ConcurrentHashMap<>();
    private final Periodic sampler;

    /** @param logDirs where the launchers write their workers' logs ({@code ID.log}) */
    WorkerCensus(String fleet, List<Path> logDirs) {
        this.fleet = fleet;
        this.logDirs = List.copyOf(logDirs);
        this.sampler = Periodic.atFixedRate("chaos-worker-census", Duration.ZERO, EVERY, this::sample);
    }

    private void sample() {
        Set<String> ids = new HashSet<>();
        for (ProcessHandle p : ProcessFleetLauncher.running(fleet)) {
            ProcessFleetLauncher.workerIdOf(p, fleet).ifPresent(id -> {
                ids.add(id);
                seen.putIfAbsent(id, p);
            });
        }
        samples.add(new Sample(System.currentTimeMillis(), Set.copyOf(ids)));
    }

    /** The live workers at the last sample. */
    Set<String> now() {
        return samples.isEmpty() ? Set.of() : samples.get(samples.size() - 1).ids();
    }

    /** The most workers alive at once. */
    int peak() {
        return samples.stream().mapToInt(s -> s.ids().size()).max().orElse(0);
    }

    /** Every worker seen so far. */
    Set<String> seen() {
        return Set.copyOf(seen.keySet());
    }

    /** The pid of the process that launched a worker (its id is {@code proc-PID-N}). */
    static long launcherPid(String workerId) {
        String[] parts = workerId.split("-");
        return parts.length == 3 ? Long.parseLong(parts[1]) : -1;
    }

    /** "0.0 s: 0, 1.2 s: 1, ...": the count of live workers each time it changed, in seconds after {@code t0}. */
    String timeline(long t0) {
        List<String> changes = new ArrayList<>();
        int last = -1;
        for (Sample s : samples) {
            if (s.ids().size() != last) {
                last = s.ids().size();
                changes.add(String.format("%.1f s: %d", (s.at() - t0) / 1000.0, last));
            }
        }
        return String.join(", ", changes);
    }

    /** When a worker was first seen (wall-clock millis), if it was. */
    Optional<Long> firstSeen(String id) {
        return samples.stream().filter(s -> s.ids().contains(id)).map(Sample::at).findFirst();
    }

    /** Workers gone without their exit line: killed, so their unreported tasks may run again. */
    Set<Long> dead() {
        return seen.entrySet().stream().filter(e -> !e.getValue().isAlive() && !exitLine(e.getKey()).isPresent())
                .map(e -> e.getValue().pid()).collect(Collectors.toSet());
    }

    /** The worker's own last words ({@code worker ID exited (IDLE) ...}), if it wrote them. */
    Optional<String> exitLine(String id) {
        for (Path dir : logDirs) {
            Path log = dir.resolve(id + ".log");
            try {
                if (Files.exists(log)) {
                    return Files.readString(log, StandardCharsets.ISO_8859_1).lines().filter(l -> l.contains(" exited (")).findFirst();
                }
            } catch (IOException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** Stops counting and kills whatever of the fleet still runs: nothing outlives the scenario. */
    @Override
    public void close() {
        sampler.stop(Duration.ofSeconds(2));
        ProcessFleetLauncher.running(fleet).forEach(ProcessHandle::destroyForcibly);
    }
}
