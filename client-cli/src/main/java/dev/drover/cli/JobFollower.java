package dev.drover.cli;

import dev.drover.scheduler.model.JobView;
import dev.drover.core.codec.Json;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Follows a submitted job to its end over the results stream: progress on stderr, tasks on stdout
 * (every task for small jobs, the ones that did not succeed for big ones), results to a JSON-lines
 * file, then a summary with throughput and latency percentiles.
 */
final class JobFollower {
    /** Jobs up to this size print every task; bigger ones only those that did not succeed. */
    static final int PRINT_ALL_LIMIT = 100;
    private static final int PRINT_FAILED_LIMIT = 20;
    /** How long a follow waits for a new result while no replica serves the job (its owner died: another takes it within a lease). */
    static final java.time.Duration FOLLOW_PATIENCE = java.time.Duration.ofSeconds(60);

    private final SchedulerClient client;
    private final PrintWriter out;
    private final PrintWriter err;
    private final Clock clock;

    JobFollower(SchedulerClient client, PrintWriter out, PrintWriter err, Clock clock) {
        this.client = client;
        this.out = out;
        this.err = err;
        this.clock = clock;
    }

    Map<String, Object> follow(JobView job, long submittedAtMillis, Optional<Path> resultsFile, boolean quiet)
            throws IOException, InterruptedException {
        return follow(job, submittedAtMillis, resultsFile, quiet, r -> { });
    }

    /** Follows the job, handing each result to {@code each} as well. */
    Map<String, Object> follow(JobView job, long submittedAtMillis, Optional<Path> resultsFile, boolean quiet,
                               java.util.function.Consumer<ResultLine> each)
            throws IOException, InterruptedException {
        String jobId = job.jobId();
        long total = job.total();
        Progress progress = new Progress(err, Progress.isTerminal(), clock, total);
        Map<TaskStatus, Long> counts = new EnumMap<>(TaskStatus.class);
        long[] latencies = new long[(int) Math.min(total, Integer.MAX_VALUE - 8)];
        int[] seen = {0, 0};
        try (Writer results = resultsFile.isPresent()
                ? Files.newBufferedWriter(resultsFile.get(), StandardCharsets.UTF_8) : Writer.nullWriter()) {
            long[] byStatus = new long[TaskStatus.values().length];
            client.followResults(jobId, total, r -> {
                try {
                    results.write(r.json());
                    results.write('\n');
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                byStatus[r.status().ordinal()]++;
                each.accept(r);
                if (seen[0] < latencies.length) {
                    latencies[seen[0]] = r.latencyMillis();
                }
                seen[0]++;
                boolean ok = r.succeeded();
                if (!ok) {
                    seen[1]++;
                }
                if (!quiet && (total <= PRINT_ALL_LIMIT || !ok && seen[1] <= PRINT_FAILED_LIMIT)) {
                    printTask(r.full()); // decoded whole only when printed
                }
                progress.update(seen[0], seen[1]);
            }, FOLLOW_PATIENCE);
            for (TaskStatus st : TaskStatus.values()) {
                if (byStatus[st.ordinal()] > 0) {
                    counts.put(st, byStatus[st.ordinal()]);
                }
            }
        }
        progress.finish();
        double wall = Math.max(1, clock.millis() - submittedAtMillis) / 1000.0;
        if (!quiet && total > PRINT_ALL_LIMIT && seen[1] > PRINT_FAILED_LIMIT) {
            out.printf("... and %d more tasks that did not succeed%s%n", seen[1] - PRINT_FAILED_LIMIT,
                    resultsFile.map(p -> "; every result is in " + p).orElse("; --results FILE keeps every result"));
        }
        JobView status = client.job(jobId);
        return summary(jobId, counts, Arrays.copyOf(latencies, Math.min(seen[0], latencies.length)), wall, status);
    }

    private void printTask(TaskResult r) {
        String exit = r.exitCode() == null ? "" : ", exit " + r.exitCode();
        String replica = r.replica() > 0 ? " replica " + r.replica() : "";
        out.printf("[%s] line %d%s (%d ms%s): %s%n", r.status(), r.line(), replica, r.durationMillis(), exit, r.command());
        indent("out", r.stdout(), r.stdoutTruncated());
        if (r.status() != TaskStatus.SUCCEEDED) {
            indent("err", r.stderr(), r.stderrTruncated());
            if (r.error() != null) {
                out.printf("    why: %s%n", r.error());
            }
        }
    }

    private void indent(String label, String text, boolean truncated) {
        if (text.isEmpty()) {
            return;
        }
        String[] lines = text.split("\n", -1);
        int shown = Math.min(lines.length, 5);
        for (int i = 0; i < shown; i++) {
            if (!(i == lines.length - 1 && lines[i].isEmpty())) {
                out.printf("    %s| %s%n", label, lines[i]);
            }
        }
        if (lines.length > shown + 1 || truncated) {
            out.printf("    %s| ...%s%n", label, truncated ? " (output truncated)" : "");
        }
    }

    static Map<String, Object> summary(String jobId, Map<TaskStatus, Long> counts, long[] latencies, double wall,
                                       JobView status) {
        Arrays.sort(latencies);
        long tasks = counts.values().stream().mapToLong(Long::longValue).sum();
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("jobId", jobId);
        s.put("tasks", tasks);
        s.put("succeeded", counts.getOrDefault(TaskStatus.SUCCEEDED, 0L));
        s.put("failed", counts.getOrDefault(TaskStatus.FAILED, 0L) + counts.getOrDefault(TaskStatus.TIMED_OUT, 0L));
        s.put("timedOut", counts.getOrDefault(TaskStatus.TIMED_OUT, 0L));
        s.put("cancelled", counts.getOrDefault(TaskStatus.CANCELLED, 0L));
        s.put("wallSeconds", round(wall));
        s.put("tasksPerSecond", round(tasks / wall));
        Map<String, Long> latency = new LinkedHashMap<>();
        latency.put("p50", percentile(latencies, 0.50));
        latency.put("p95", percentile(latencies, 0.95));
        latency.put("p99", percentile(latencies, 0.99));
        s.put("latencyMs", latency);
        s.put("sqsRequests", status.sqsRequests());
        s.put("dynamoWrites", status.dynamoWrites());
        s.put("duplicatesSkipped", status.duplicatesSkipped());
        s.put("workers", status.workers());
        return s;
    }

    static long percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    @SuppressWarnings("unchecked")
    static void printSummary(PrintWriter out, Map<String, Object> s) {
        Map<String, Long> lat = (Map<String, Long>) s.get("latencyMs");
        out.printf("job %s: %d tasks, %d succeeded, %d failed (%d timed out), %d cancelled in %.2f s (%.0f tasks/s)%n",
                s.get("jobId"), s.get("tasks"), s.get("succeeded"), s.get("failed"), s.get("timedOut"), s.get("cancelled"),
                (Double) s.get("wallSeconds"), (Double) s.get("tasksPerSecond"));
        out.printf("latency (queued to done): p50 %d ms, p95 %d ms, p99 %d ms%n", lat.get("p50"), lat.get("p95"), lat.get("p99"));
        long sqs = (Long) s.get("sqsRequests");
        long dynamo = (Long) s.get("dynamoWrites");
        if (sqs + dynamo > 0) {
            long tasks = Math.max(1, (Long) s.get("tasks"));
            out.printf("cloud calls: %d SQS requests (%.4f/task), %d DynamoDB writes (%.4f/task), %d duplicates skipped, %d workers%n",
                    sqs, (double) sqs / tasks, dynamo, (double) dynamo / tasks, s.get("duplicatesSkipped"), s.get("workers"));
        }
        out.flush();
    }

    static void writeJson(Path file, Map<String, Object> summary) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(summary));
            w.write('\n');
        }
    }

    /** 0 when every task succeeded, 1 otherwise. */
    static int exitCode(Map<String, Object> summary) {
        return summary.get("succeeded").equals(summary.get("tasks")) ? 0 : 1;
    }
}
