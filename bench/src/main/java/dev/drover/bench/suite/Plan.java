package dev.drover.bench.suite;

import java.util.List;

/**
 * The matrix a run measures. {@link #full()} is the matrix with the two longest efficiency
 * series capped (see docs/performance.md), {@link #all()} the uncapped one, {@link #quick()} a
 * few minutes' worth, {@link #smoke()} the suite's own test: in-JVM and simulated remote only.
 *
 * @param throughputWorkers worker counts (in-JVM workers, remote worker threads) for {@code sleep 0}
 * @param repetitions       in-JVM throughput runs per count; the median is reported
 * @param efficiency        {@code tasksPerWorker × sleep taskMillis} per worker, at the given counts
 * @param naiveThreads      threads of the naive baseline loop (one task per message, four calls a task)
 * @param simulatedRemote   run the remote cases on the in-memory stand-in instead of the emulators
 */
record Plan(String name, int throughputTasks, List<Integer> throughputWorkers, int repetitions,
            List<Efficiency> efficiency, int rawMessages, int naiveTasks, int naiveThreads,
            int elasticTasks, int elasticTaskMillis, int elasticMaxWorkers, int elasticThreads,
            boolean simulatedRemote) {

    record Efficiency(int taskMillis, int tasksPerWorker, List<Integer> workers) {
        double idealSeconds() {
            return tasksPerWorker * taskMillis / 1000.0;
        }
    }

    private static final List<Integer> ALL_WORKERS = List.of(1, 2, 4, 8, 16);
    private static final List<Integer> SOME_WORKERS = List.of(1, 4, 16);

    static Plan full() {
        return new Plan("full", 10_000, ALL_WORKERS, 3,
                List.of(new Efficiency(10, 1000, ALL_WORKERS), new Efficiency(1000, 100, SOME_WORKERS),
                        new Efficiency(10_000, 10, List.of(16))),
                10_000, 10_000, 16, 10_000, 100, 4, 4, false);
    }

    static Plan all() {
        return new Plan("all", 10_000, ALL_WORKERS, 3,
                List.of(new Efficiency(10, 1000, ALL_WORKERS), new Efficiency(1000, 100, ALL_WORKERS),
                        new Efficiency(10_000, 10, ALL_WORKERS)),
                10_000, 10_000, 16, 10_000, 100, 4, 4, false);
    }

    static Plan quick() {
        return new Plan("quick", 10_000, SOME_WORKERS, 3,
                List.of(new Efficiency(10, 100, SOME_WORKERS), new Efficiency(10, 1000, List.of(16)),
                        new Efficiency(1000, 10, SOME_WORKERS)),
                10_000, 5_000, 16, 10_000, 100, 4, 4, false);
    }

    static Plan smoke() {
        return new Plan("smoke", 1_000, List.of(1, 2), 1,
                List.of(new Efficiency(5, 20, List.of(2))),
                1_000, 200, 2, 400, 50, 2, 2, true);
    }

    /**
     * This plan cut down to the given worker counts and efficiency task lengths (an empty list
     * keeps all); series left with no count are dropped.
     */
    Plan only(List<Integer> workers, List<Integer> taskMillis) {
        List<Efficiency> kept = efficiency.stream()
                .filter(e -> taskMillis.isEmpty() || taskMillis.contains(e.taskMillis()))
                .map(e -> new Efficiency(e.taskMillis(), e.tasksPerWorker(), keep(e.workers(), workers)))
                .filter(e -> !e.workers().isEmpty()).toList();
        return new Plan(name, throughputTasks, keep(throughputWorkers, workers), repetitions, kept, rawMessages,
                naiveTasks, naiveThreads, elasticTasks, elasticTaskMillis, elasticMaxWorkers, elasticThreads,
                simulatedRemote);
    }

    private static List<Integer> keep(List<Integer> counts, List<Integer> wanted) {
        return wanted.isEmpty() ? counts : counts.stream().filter(wanted::contains).toList();
    }

    /** Remote worker threads spread over at most four processes: 1×1, 1×2, 2×2, 4×2, 4×4. */
    static int[] split(int threads) {
        if (threads <= 2) {
            return new int[] {1, threads};
        }
        int processes = Math.min(4, threads / 2);
        return new int[] {processes, (threads + processes - 1) / processes};
    }
}
