package dev.drover.cli.chaos;

import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Runs scenarios: for each, the workload without the fault (the baseline, once per plan and
 * workload), then with it, under a deadline of ten baselines, and judges the outcome. Stacks of
 * emulators are shared between scenarios while runs end cleanly; one a run left unfinished is
 * replaced, so that a stuck job's messages and records cannot leak into the next scenario.
 */
final class ScenarioRunner implements AutoCloseable {
    private static final long POLL_MS = 200;

    private final Path workDir;
    private final Duration minDeadline;
    private final Duration maxDeadline;
    private final PrintWriter progress;
    private final Map<Boolean, ChaosStack> stacks = new HashMap<>();
    private final Map<String, Double> baselines = new HashMap<>();
    /** Runs with the fault so far, by scenario: each run (of --repeat) gets a directory, and so a ledger, of its own. */
    private final Map<String, Integer> faultRuns = new HashMap<>();

    ScenarioRunner(Path workDir, boolean quick, PrintWriter progress) {
        this.workDir = workDir;
        this.minDeadline = Duration.ofSeconds(quick ? 45 : 60);
        this.maxDeadline = Duration.ofSeconds(quick ? 90 : 180);
        this.progress = progress;
    }

    /** What one run of a workload showed, before judging. */
    private record Run(boolean ended, double wallSeconds, int total, List<TaskResult> results, Ledger.Counts counts,
                       Optional<Boolean> neighbourEnded, List<String> notes) {}

    /** Runs one scenario; a harness failure (an emulator that will not start...) is a missed target, not an abort. */
    Outcome run(Scenario s) throws InterruptedException {
        try {
            return runOrThrow(s);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            progress.printf("chaos: %s could not run: %s%n", s.name(), e);
            close(); // the emulators may be what broke: the next scenario starts on new ones
            return new Outcome(s.name(), s.workload().tasks(), 0, 0, 0, 0, 0, 0, false, Double.NaN, Double.NaN, false,
                    List.of("harness error: " + e));
        }
    }

    private Outcome runOrThrow(Scenario s) throws Exception {
        Path dir = workDir.resolve(s.name());
        if (s.selfJudged().isPresent()) {
            close(); // on emulators of its own: the shared ones stop, and come back for the next scenario that needs them
            progress.printf("chaos: %s...%n", s.name());
            progress.flush();
            return s.selfJudged().get().run(dir, progress);
        }
        String key = s.plan() + "/" + s.workload().plain();
        if (!baselines.containsKey(key)) {
            Run baseline = measure(s, dir.resolve("baseline"), s.workload().plain(), Fault.NONE, false, maxDeadline);
            baselines.put(key, baseline.ended() ? baseline.wallSeconds() : Double.NaN);
        }
        double baseline = baselines.get(key);
        Duration deadline = Double.isNaN(baseline) ? maxDeadline : clamp(Duration.ofMillis((long) (baseline * 10_000)));
        if (deadline.compareTo(s.minDeadline()) < 0) {
            deadline = s.minDeadline();
        }
        int n = faultRuns.merge(s.name(), 1, Integer::sum);
        Run run = measure(s, dir.resolve(n == 1 ? "fault" : "fault-" + n), s.workload(), s.fault(), true, deadline);
        return judge(s, run, baseline, deadline);
    }

    private Duration clamp(Duration d) {
        return d.compareTo(minDeadline) < 0 ? minDeadline : d.compareTo(maxDeadline) > 0 ? maxDeadline : d;
    }

    private Run measure(Scenario s, Path dir, Workload workload, Fault fault, boolean armed, Duration limit) throws Exception {
        progress.printf("chaos: %s %s...%n", s.name(), armed ? "with the fault" : "baseline");
        progress.flush();
        ChaosStack stack = stack(s.plan().persistent());
        stack.purgeQueues();
        Ledger ledger = new Ledger(dir.resolve("ran.log"));
        boolean clean = false;
        try (Deployment d = new Deployment(stack, s.plan(), dir)) {
            d.arm(armed);
            long start = System.nanoTime();
            long deadline = start + limit.toNanos();
            Optional<String> neighbour = workload.neighbour().isPresent()
                    ? Optional.of(d.client.submit(workload.neighbour().get(), "neighbour")) : Optional.empty();
            String jobId = d.client.submit(workload.text(ledger), s.name());
            FaultContext context = new FaultContext(d, stack, ledger, jobId, deadline);
            Thread faultThread = new Thread(() -> {
                try {
                    fault.inject(context);
                } catch (InterruptedException e) {
                    context.note("fault interrupted at the deadline");
                } catch (Exception | Error e) {
                    context.note("fault failed: " + e);
                }
            }, "chaos-fault-" + s.name());
            faultThread.start();
            boolean ended = awaitEnded(d.client, jobId, deadline);
            double wall = (System.nanoTime() - start) / 1e9;
            faultThread.interrupt();
            faultThread.join(Duration.ofSeconds(30).toMillis());
            List<String> notes = new ArrayList<>(context.notes());
            Optional<Boolean> neighbourEnded = Optional.empty();
            if (neighbour.isPresent()) {
                neighbourEnded = Optional.of(awaitEnded(d.client, neighbour.get(), System.nanoTime()));
            }
            clean = ended && neighbourEnded.orElse(true);
            List<TaskResult> results = List.of();
            int total = workload.tasks() + (workload.flavor() == Workload.Flavor.POISON ? 1 : 0);
            try {
                results = d.client.results(jobId);
            } catch (IOException e) {
                notes.add("results unreadable: " + e.getMessage());
            }
            Set<Long> interrupted = new HashSet<>(d.interrupted);
            interrupted.addAll(d.died());
            d.sqsProxy.ifPresent(p -> notes.add(p.tampered() + " SQS calls tampered with"));
            return new Run(ended, wall, total, results, Ledger.count(ledger.runs(), workload.tags(), interrupted),
                    neighbourEnded, notes);
        } finally {
            ChaosStack used = clean ? null : stacks.remove(s.plan().persistent());
            if (used != null) {
                progress.printf("chaos: %s left a job unfinished; its emulators are replaced%n", s.name());
                used.close();
            }
        }
    }

    /** Polls until the job is DONE or CANCELLED; false at the deadline. Errors (a scheduler down) are retried. */
    private static boolean awaitEnded(JobClient client, String jobId, long deadlineNanos) throws InterruptedException {
        do {
            try {
                if (client.ended(jobId)) {
                    return true;
                }
            } catch (IOException e) {
                // the scheduler is down or restarting
            }
            Thread.sleep(POLL_MS);
        } while (System.nanoTime() < deadlineNanos);
        return false;
    }

    private ChaosStack stack(boolean persistent) {
        return stacks.computeIfAbsent(persistent, p -> ChaosStack.start(p, workDir.resolve(p ? "stack-persistent-" + System.nanoTime() : "stack")));
    }

    private static Outcome judge(Scenario s, Run run, double baseline, Duration deadline) {
        List<String> notes = new ArrayList<>(run.notes());
        List<TaskResult> tagged = run.results().stream().filter(r -> !r.command().equals(Workload.POISON_COMMAND)).toList();
        long distinct = run.results().stream().map(TaskResult::seq).distinct().count();
        int missing = (int) (run.total() - distinct);
        int duplicates = (int) (run.results().size() - distinct);
        int failed = (int) tagged.stream().filter(r -> r.status() != TaskStatus.SUCCEEDED).count();
        tagged.stream().filter(r -> r.status() != TaskStatus.SUCCEEDED).limit(3)
                .forEach(r -> notes.add("seq " + r.seq() + " " + r.status() + ": " + r.error()));
        boolean extra = true;
        switch (s.workload().flavor()) {
            case POISON -> {
                Optional<TaskResult> poison = run.results().stream()
                        .filter(r -> r.command().equals(Workload.POISON_COMMAND)).findFirst();
                extra = poison.filter(p -> p.status() == TaskStatus.FAILED && p.error() != null && !p.error().isBlank()).isPresent();
                notes.add("poison task: " + poison.map(p -> p.status() + " (" + p.error() + ")").orElse("no result"));
            }
            case BIG_OUTPUT -> {
                extra = !tagged.isEmpty() && tagged.stream().allMatch(TaskResult::stdoutTruncated);
                notes.add(extra ? "every stdout capped and flagged truncated" : "some stdout not flagged truncated");
            }
            case UNSENDABLE_NEIGHBOUR -> {
                extra = run.neighbourEnded().orElse(false);
                notes.add(extra ? "the unsendable job ended" : "the unsendable job did not end");
            }
            case PLAIN -> { }
        }
        if (!run.ended()) {
            notes.add("did not end within " + deadline.toSeconds() + " s");
        }
        Ledger.Counts c = run.counts();
        boolean met = run.ended() && c.lost() == 0 && c.runTwice() == c.runTwiceExplained() && missing == 0
                && duplicates == 0 && failed == 0 && extra;
        return new Outcome(s.name(), s.workload().tasks(), c.lost(), c.runTwice(), c.runTwiceExplained(), missing,
                duplicates, failed, run.ended(), run.wallSeconds(), baseline, met, notes);
    }

    @Override
    public void close() {
        stacks.values().forEach(ChaosStack::close);
        stacks.clear();
    }
}
