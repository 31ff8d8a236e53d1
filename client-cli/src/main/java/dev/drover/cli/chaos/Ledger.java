package dev.drover.cli.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The side effects the tasks themselves left: each run of a task appends one line
 * {@code TAG WORKER_PID ATTEMPT} to a file, so what ran (and how often) is counted without
 * trusting anything Drover reports.
 */
final class Ledger {
    /** One run of a task, by the worker JVM that started its shell ({@code $PPID}). */
    record Run(String tag, long workerPid, int attempt) {}

    /** Tasks never run; run more than once; of those, how many re-ran only after their worker was interrupted. */
    record Counts(int lost, int runTwice, int runTwiceExplained) {}

    private final Path file;

    Ledger(Path file) {
        this.file = file;
    }

    /** The shell snippet that records one run of task {@code tag}. */
    String record(String tag) {
        return "echo \"" + tag + " $PPID $DROVER_ATTEMPT\" >> '" + file + "'";
    }

    List<Run> runs() {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .map(l -> l.trim().split("\\s+"))
                    .filter(f -> f.length == 3)
                    .map(f -> new Run(f[0], Long.parseLong(f[1]), Integer.parseInt(f[2])))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Counts against the tags that should each have run once. A task that ran twice is explained
     * when every run but its last was on a worker the harness interrupted (killed, or told of a
     * spot interruption): the promise allows a re-run of what a dead worker had not reported.
     */
    static Counts count(List<Run> runs, Set<String> expected, Set<Long> interruptedWorkers) {
        Map<String, List<Run>> byTag = new LinkedHashMap<>();
        for (Run r : runs) {
            byTag.computeIfAbsent(r.tag(), k -> new ArrayList<>()).add(r);
        }
        int lost = (int) expected.stream().filter(t -> !byTag.containsKey(t)).count();
        int twice = 0;
        int explained = 0;
        for (Map.Entry<String, List<Run>> e : byTag.entrySet()) {
            List<Run> all = e.getValue();
            if (!expected.contains(e.getKey()) || all.size() < 2) {
                continue;
            }
            twice++;
            if (all.subList(0, all.size() - 1).stream().allMatch(r -> interruptedWorkers.contains(r.workerPid()))) {
                explained++;
            }
        }
        return new Counts(lost, twice, explained);
    }
}
