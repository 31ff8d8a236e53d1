package dev.drover.scheduler.job;

import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStart;
import dev.drover.core.model.TaskStatus;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where each task of a job stands: one status byte per task (so a million tasks cost a megabyte),
 * counts per status, the tasks running now, the workers that reported, the latency histogram and
 * the failures by cause. Not thread-safe: its {@link JobState} holds the lock.
 */
final class TaskProgress {
    private static final TaskStatus[] STATUSES = TaskStatus.values();
    static final int LATENCY_BUCKETS = 120;
    static final int MAX_FAILURE_GROUPS = 50;
    static final int SAMPLES = 5;

    private final byte[] status;
    private final long[] counts = new long[STATUSES.length];
    private final Set<String> workers = new HashSet<>();
    /** The tasks running now: as many as the fleet has threads, not as the job has tasks. */
    private final Map<Long, JobState.Running> running = new HashMap<>();
    /** Latencies (queued to done) of the tasks that ran, in buckets a quarter of a power of 2 wide. */
    private final long[] latencyBuckets = new long[LATENCY_BUCKETS];
    /** Failures by cause (exit code and first line of stderr), at most {@link #MAX_FAILURE_GROUPS}. */
    private final Map<String, JobState.FailureGroup> failures = new LinkedHashMap<>();
    private long finalCount;

    TaskProgress(int total) {
        status = new byte[total];
        counts[TaskStatus.QUEUED.ordinal()] = total;
    }

    long finalCount() {
        return finalCount;
    }

    /** Counts from a record (an ended job's summary): false if they do not add up to every task, and are left unknown. */
    boolean summarize(Map<TaskStatus, Long> known) {
        Arrays.fill(counts, 0);
        long sum = known.values().stream().mapToLong(Long::longValue).sum();
        boolean complete = sum == status.length;
        if (complete) {
            known.forEach((s, n) -> counts[s.ordinal()] = n);
        } else {
            counts[TaskStatus.QUEUED.ordinal()] = status.length;
        }
        finalCount = status.length;
        return complete;
    }

    /** Back to every task queued, before a replay of the job's results. */
    void reset() {
        Arrays.fill(status, (byte) 0);
        Arrays.fill(latencyBuckets, 0);
        Arrays.fill(counts, 0);
        counts[TaskStatus.QUEUED.ordinal()] = status.length;
        failures.clear();
        workers.clear();
        running.clear();
        finalCount = 0;
    }

    /** Tasks per final status, the statuses with none left out. */
    Map<TaskStatus, Long> finalCounts() {
        Map<TaskStatus, Long> out = new EnumMap<>(TaskStatus.class);
        for (TaskStatus s : STATUSES) {
            if (s.isFinal() && counts[s.ordinal()] > 0) {
                out.put(s, counts[s.ordinal()]);
            }
        }
        return out;
    }

    /** Tasks per status, every status. */
    Map<TaskStatus, Long> counts() {
        Map<TaskStatus, Long> byStatus = new EnumMap<>(TaskStatus.class);
        for (TaskStatus s : STATUSES) {
            byStatus.put(s, counts[s.ordinal()]);
        }
        return byStatus;
    }

    int workers() {
        return workers.size();
    }

    /** See {@link JobState#started}. */
    int started(String worker, List<TaskStart> starts) {
        int applied = 0;
        for (TaskStart s : starts) {
            if (s.seq() < 0 || s.seq() >= status.length) {
                continue;
            }
            int i = (int) s.seq();
            TaskStatus was = STATUSES[status[i]];
            if (was.isFinal()) {
                continue;
            }
            JobState.Running now = running.get(s.seq());
            if (now != null && now.startedAt() > s.startedAt()) {
                continue;
            }
            if (was == TaskStatus.QUEUED) {
                status[i] = (byte) TaskStatus.RUNNING.ordinal();
                counts[TaskStatus.QUEUED.ordinal()]--;
                counts[TaskStatus.RUNNING.ordinal()]++;
            }
            running.put(s.seq(), new JobState.Running(s.seq(), worker, s.startedAt()));
            applied++;
        }
        return applied;
    }

    /** Records a task's result; false if it has one already (or is no task of the job): a repeat. */
    boolean accept(TaskResult r) {
        if (r.seq() < 0 || r.seq() >= status.length || STATUSES[status[(int) r.seq()]].isFinal()) {
            return false;
        }
        counts[status[(int) r.seq()]]--;
        status[(int) r.seq()] = (byte) r.status().ordinal();
        running.remove(r.seq());
        recordRun(r);
        counts[r.status().ordinal()]++;
        finalCount++;
        if (!r.worker().isEmpty()) {
            workers.add(r.worker());
        }
        return true;
    }

    TaskStatus status(long seq) {
        return STATUSES[status[(int) seq]];
    }

    /** The lowest seq that is QUEUED (not started, not final), or -1. */
    long firstQueued() {
        for (int i = 0; i < status.length; i++) {
            if (status[i] == TaskStatus.QUEUED.ordinal()) {
                return i;
            }
        }
        return -1;
    }

    /** QUEUED tasks below this seq. */
    long queuedBefore(long seq) {
        long n = 0;
        for (int i = 0; i < Math.min(seq, status.length); i++) {
            if (status[i] == TaskStatus.QUEUED.ordinal()) {
                n++;
            }
        }
        return n;
    }

    Optional<JobState.Running> running(long seq) {
        return Optional.ofNullable(running.get(seq));
    }

    List<JobState.Running> runningTasks(int limit) {
        return running.values().stream().sorted(Comparator.comparingLong(JobState.Running::startedAt)
                .thenComparingLong(JobState.Running::seq)).limit(limit).toList();
    }

    /** The seqs below {@code end} that have no final result yet. */
    List<Long> unreported(long end) {
        List<Long> seqs = new ArrayList<>();
        for (long seq = 0; seq < end; seq++) {
            if (!STATUSES[status[(int) seq]].isFinal()) {
                seqs.add(seq);
            }
        }
        return seqs;
    }

    List<JobState.FailureGroup> failureGroups() {
        return failures.values().stream().sorted(Comparator.comparingLong(JobState.FailureGroup::count).reversed()).toList();
    }

    /** See {@link JobState#latencyPercentiles}. */
    Map<String, Long> latencyPercentiles() {
        long n = 0;
        for (long c : latencyBuckets) {
            n += c;
        }
        Map<String, Long> out = new LinkedHashMap<>();
        if (n == 0) {
            return out;
        }
        for (double p : new double[] {0.5, 0.95, 0.99}) {
            long rank = (long) Math.ceil(p * n);
            long seen = 0;
            for (int i = 0; i < LATENCY_BUCKETS; i++) {
                seen += latencyBuckets[i];
                if (seen >= rank) {
                    out.put("p" + Math.round(p * 100), Math.round(Math.pow(2, (i + 1) / 4.0) - 1));
                    break;
                }
            }
        }
        return out;
    }

    private void recordRun(TaskResult r) {
        if (!r.worker().isEmpty() && r.status() != TaskStatus.CANCELLED) {
            double ms = Math.max(0, r.latencyMillis());
            latencyBuckets[(int) Math.min(LATENCY_BUCKETS - 1, Math.floor(4 * Math.log(ms + 1) / Math.log(2)))]++;
        }
        if (r.status() != TaskStatus.FAILED && r.status() != TaskStatus.TIMED_OUT) {
            return;
        }
        String text = r.stderr() != null && !r.stderr().isBlank() ? r.stderr() : r.error() != null ? r.error() : "";
        String first = text.strip().lines().findFirst().orElse("");
        if (first.length() > 200) {
            first = first.substring(0, 200) + "…";
        }
        String key = r.status() + "|" + r.exitCode() + "|" + first;
        JobState.FailureGroup g = failures.get(key);
        if (g == null && failures.size() >= MAX_FAILURE_GROUPS) {
            key = "other";
            g = failures.get(key);
            if (g == null) {
                g = new JobState.FailureGroup(r.status(), null, "(other causes: more than " + MAX_FAILURE_GROUPS + " kinds)",
                        0, List.of());
            }
        } else if (g == null) {
            g = new JobState.FailureGroup(r.status(), r.exitCode(), first, 0, List.of());
        }
        List<Long> samples = g.sampleSeqs();
        if (samples.size() < SAMPLES) {
            samples = new ArrayList<>(samples);
            samples.add(r.seq());
        }
        failures.put(key, new JobState.FailureGroup(g.status(), g.exitCode(), g.firstLine(), g.count() + 1, List.copyOf(samples)));
    }
}
