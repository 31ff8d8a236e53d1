package dev.drover.bench.suite;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * CPU seconds used so far by this JVM and by each process it started that is still alive (emulators,
 * worker JVMs), grouped by their command lines, and by the whole machine. A task process is gone by
 * the time anyone looks: its CPU shows only in the machine's total.
 */
final class ProcessCpu {
    static final String MACHINE = "machine";
    private static final Path PROC_STAT = Path.of("/proc/stat");
    /** Linux counts /proc/stat in USER_HZ ticks, 100 a second on every architecture it runs on. */
    private static final double TICKS_PER_SECOND = 100;

    private ProcessCpu() {
    }

    static Map<String, Double> now() {
        Map<String, Double> seconds = new TreeMap<>();
        add(seconds, "scheduler (bench JVM)", ProcessHandle.current());
        ProcessHandle.current().descendants().forEach(p -> add(seconds, group(p.info().commandLine().orElse("")), p));
        machineBusySeconds().ifPresent(s -> seconds.put(MACHINE, s));
        return seconds;
    }

    /** What each group used since {@code before}. */
    static Map<String, Double> since(Map<String, Double> before) {
        Map<String, Double> used = new TreeMap<>();
        now().forEach((group, s) -> used.put(group, s - before.getOrDefault(group, 0.0)));
        return used;
    }

    static String group(String commandLine) {
        if (commandLine.contains("drover.role=worker")) {
            return "worker JVMs";
        } else if (commandLine.contains("elasticmq")) {
            return "ElasticMQ";
        } else if (commandLine.contains("dynoxide")) {
            return "dynoxide"; // the server and the shell that watches it
        } else if (commandLine.contains("s3proxy")) {
            return "s3proxy";
        }
        return "other";
    }

    private static void add(Map<String, Double> seconds, String group, ProcessHandle p) {
        p.info().totalCpuDuration().map(Duration::toNanos)
                .ifPresent(n -> seconds.merge(group, n / 1e9, Double::sum));
    }

    /** Busy time of all cores (everything but idle and iowait), if this is Linux. */
    private static Optional<Double> machineBusySeconds() {
        try {
            String[] f = Files.readAllLines(PROC_STAT).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                if (i != 4 && i != 5) { // idle, iowait
                    busy += Long.parseLong(f[i]);
                }
            }
            return Optional.of(busy / TICKS_PER_SECOND);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
