package dev.drover.cli.chaos;

import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * {@code dependency-kill}: a stage of {@link #MAPS} replicas, the last of which runs longest, and
 * {@link #REDUCES} tasks after it; the worker running that last task is killed (kill -9) mid-run.
 * Target: nothing lost, only the killed task runs again, and every dependent runs once, after
 * the retried task has succeeded.
 */
final class DependencyKill {
    static final String DESCRIPTION = "kill -9 of the worker running the last task of a stage: its dependents run once, after its retry";
    static final int MAPS = 6;
    static final int REDUCES = 3;
    /** The last map's run: long enough to be caught running. */
    private static final int LAST_MAP_SECONDS = 6;
    private static final Duration DEADLINE = Duration.ofSeconds(180);
    private static final long POLL_MS = 50;

    private DependencyKill() {
    }

    static Workload workload() {
        return new Workload(MAPS + REDUCES, 300, Workload.Flavor.PLAIN);
    }

    /** The workload: maps tagged m0..m5 (the last one slow), then reduces r0..r2 after them all. */
    static String text(Ledger ledger) {
        StringBuilder w = new StringBuilder();
        w.append("@replicas ").append(MAPS).append("\n@name map\n")
                .append(ledger.record("m$DROVER_REPLICA")).append("; if [ \"$DROVER_REPLICA\" = ").append(MAPS - 1)
                .append(" ]; then /bin/sleep ").append(LAST_MAP_SECONDS).append("; else /bin/sleep 0.3; fi\n")
                .append("@replicas 1\n@after map\n");
        for (int i = 0; i < REDUCES; i++) {
            w.append(ledger.record("r" + i)).append("; /bin/sleep 0.2\n");
        }
        return w.toString();
    }

    static Set<String> tags() {
        Set<String> tags = new LinkedHashSet<>();
        for (int i = 0; i < MAPS; i++) {
            tags.add("m" + i);
        }
        for (int i = 0; i < REDUCES; i++) {
            tags.add("r" + i);
        }
        return tags;
    }

    static Outcome run(Path dir, PrintWriter progress) throws Exception { // (the runner has said it started)
        List<String> notes = new ArrayList<>();
        String lastMap = "m" + (MAPS - 1);
        try (ChaosStack stack = ChaosStack.start(false, dir.resolve("stack"));
             Deployment d = new Deployment(stack, Plan.fixed(2), dir.resolve("run"))) {
            Ledger ledger = new Ledger(dir.resolve("ran.log"));
            long start = System.nanoTime();
            long deadline = start + DEADLINE.toNanos();
            String jobId = d.client.submit(text(ledger), "dependency-kill");
            Optional<Ledger.Run> running = Optional.empty();
            while (running.isEmpty() && System.nanoTime() < deadline) {
                running = ledger.runs().stream().filter(r -> r.tag().equals(lastMap)).findFirst();
                Thread.sleep(POLL_MS);
            }
            if (running.isPresent()) {
                long pid = running.get().workerPid();
                d.interrupted.add(pid);
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                notes.add("kill -9 worker " + pid + " running " + lastMap + " (the last task of stage map)");
            } else {
                notes.add(lastMap + " never started");
            }
            boolean ended = false;
            while (!ended && System.nanoTime() < deadline) {
                try {
                    ended = d.client.ended(jobId);
                } catch (IOException e) {
                    // asked again
                }
                Thread.sleep(POLL_MS * 4);
            }
            double wall = (System.nanoTime() - start) / 1e9;
            List<TaskResult> results = d.client.results(jobId);
            Set<Long> interrupted = new HashSet<>(d.interrupted);
            interrupted.addAll(d.died());
            List<Ledger.Run> runs = ledger.runs();
            Ledger.Counts c = Ledger.count(runs, tags(), interrupted);
            long distinct = results.stream().map(TaskResult::seq).distinct().count();
            int missing = (int) (MAPS + REDUCES - distinct);
            int duplicates = (int) (results.size() - distinct);
            int failed = (int) results.stream().filter(r -> r.status() != TaskStatus.SUCCEEDED).count();
            boolean reducesOnce = true;
            for (int i = 0; i < REDUCES; i++) {
                String tag = "r" + i;
                long n = runs.stream().filter(r -> r.tag().equals(tag)).count();
                if (n != 1) {
                    reducesOnce = false;
                    notes.add(tag + " ran " + n + " times");
                }
            }
            long lastMapEnd = results.stream().filter(r -> r.seq() < MAPS).mapToLong(TaskResult::finishedAt).max().orElse(Long.MAX_VALUE);
            long firstReduce = results.stream().filter(r -> r.seq() >= MAPS).mapToLong(TaskResult::startedAt).min().orElse(0);
            boolean after = firstReduce >= lastMapEnd;
            notes.add(String.format(Locale.ROOT, "%s ran %d times; first reduce started %d ms after the last map ended",
                    lastMap, runs.stream().filter(r -> r.tag().equals(lastMap)).count(), firstReduce - lastMapEnd));
            boolean met = ended && running.isPresent() && c.lost() == 0 && c.runTwice() == c.runTwiceExplained() && missing == 0
                    && duplicates == 0 && failed == 0 && reducesOnce && after;
            return new Outcome("dependency-kill", MAPS + REDUCES, c.lost(), c.runTwice(), c.runTwiceExplained(), missing,
                    duplicates, failed, ended, wall, Double.NaN, met, notes);
        }
    }
}
