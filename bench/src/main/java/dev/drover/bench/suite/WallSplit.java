package dev.drover.bench.suite;

import dev.drover.core.model.TaskResult;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a fixed fleet's wall time went beyond its ideal, in seconds a thread, from the job's own results
 * (epoch millis, one clock on this machine; millisecond stamps, so a part is good to about a millisecond):
 * the parts add up to the wall time. A worker's threads are taken to span the same time, from its first
 * task's start to its last one's end.
 *
 * @param start     submit call → the job's first task started
 * @param stagger   the job's first task started → a worker's first (workers that began later)
 * @param gaps      a worker's threads idle between its first start and its last end: waits for the next bundle
 *                  or task, and threads its bundles did not fill
 * @param overrun   tasks' run time beyond what they ask ({@code sleep 10} that took 10.4 ms)
 * @param imbalance a worker's last end → the job's last end (workers that ran out of tasks first)
 * @param tail      the job's last task ended → its last result collected
 */
record WallSplit(double start, double stagger, double gaps, double overrun, double imbalance, double tail) {

    /**
     * @param submittedAt epoch millis of the submit call
     * @param wallSeconds submit call → last result collected
     * @param threadsPerWorker each worker's threads
     * @param taskMillis what each task asks to run
     */
    static WallSplit of(List<TaskResult> results, long submittedAt, double wallSeconds, int threadsPerWorker,
                        long taskMillis) {
        Map<String, long[]> spans = new HashMap<>(); // worker → first start, last end, busy millis
        long busy = 0;
        for (TaskResult r : results) {
            long[] s = spans.computeIfAbsent(r.worker(), w -> new long[] {Long.MAX_VALUE, Long.MIN_VALUE, 0});
            s[0] = Math.min(s[0], r.startedAt());
            s[1] = Math.max(s[1], r.finishedAt());
            s[2] += r.finishedAt() - r.startedAt();
            busy += r.finishedAt() - r.startedAt();
        }
        long first = spans.values().stream().mapToLong(s -> s[0]).min().orElse(submittedAt);
        long last = spans.values().stream().mapToLong(s -> s[1]).max().orElse(submittedAt);
        double threads = (double) spans.size() * threadsPerWorker;
        double stagger = 0;
        double gaps = 0;
        double imbalance = 0;
        for (long[] s : spans.values()) {
            stagger += threadsPerWorker * (s[0] - first);
            gaps += threadsPerWorker * (s[1] - s[0]) - s[2];
            imbalance += threadsPerWorker * (last - s[1]);
        }
        double overrun = busy - (double) results.size() * taskMillis;
        return new WallSplit((first - submittedAt) / 1000.0, stagger / threads / 1000.0, gaps / threads / 1000.0,
                overrun / threads / 1000.0, imbalance / threads / 1000.0, wallSeconds - (last - submittedAt) / 1000.0);
    }
}
