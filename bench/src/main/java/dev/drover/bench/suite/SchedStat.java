package dev.drover.bench.suite;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * CPU time of processes and of their JIT, read exactly where Linux allows: the sum of each thread's
 * {@code /proc/PID/task/TID/schedstat} (nanoseconds run; a thread's ticks in {@code stat} miss its short runs).
 * Elsewhere a process counts as {@link ProcessHandle.Info#totalCpuDuration()} has it, and its JIT as 0.
 */
final class SchedStat {
    private SchedStat() {}

    /** CPU nanoseconds every process this JVM started (and theirs) has used so far. */
    static long descendantsNanos() {
        return ProcessHandle.current().descendants().mapToLong(SchedStat::nanos).sum();
    }

    /** CPU nanoseconds the JIT's compiler threads of every process this JVM started have used so far. */
    static long descendantsJitNanos() {
        return ProcessHandle.current().descendants().mapToLong(p -> threadsNanos(p.pid(), SchedStat::compiler)).sum();
    }

    /** CPU nanoseconds the JIT's compiler threads alive now in this JVM have used. */
    static long ownJitNanos() {
        return threadsNanos(ProcessHandle.current().pid(), SchedStat::compiler);
    }

    private static long nanos(ProcessHandle p) {
        long exact = threadsNanos(p.pid(), name -> true);
        return exact > 0 ? exact : p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    /** "C2 CompilerThread0", cut to 15 characters. */
    private static boolean compiler(String threadName) {
        return threadName.contains("CompilerThre");
    }

    /** The summed schedstat of the process's threads whose name passes {@code which}; 0 without /proc. */
    private static long threadsNanos(long pid, Predicate<String> which) {
        long sum = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                try {
                    if (which.test(Files.readString(task.resolve("comm")))) {
                        sum += Long.parseLong(Files.readString(task.resolve("schedstat")).split(" ")[0]);
                    }
                } catch (IOException | RuntimeException e) {
                    // the thread ended while being read
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0; // no /proc, or the process ended
        }
        return sum;
    }
}
