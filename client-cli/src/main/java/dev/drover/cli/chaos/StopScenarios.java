package dev.drover.cli.chaos;

import dev.drover.core.worker.Worker;
import dev.drover.core.worker.WorkerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The scenarios about how processes end. {@code run-stopped}: {@code drover run} is stopped mid-job
 * (SIGINT, SIGTERM, kill -9) and none of the processes it started may be left 10 s later.
 * {@code aws-gone}: every emulator is killed, then each worker gets SIGTERM and must exit within
 * its bound (drain timeout + {@link Worker#STOP_GRACE}), saying what it could not hand back.
 */
final class StopScenarios {
    /** The target: nothing of a stopped run is left this long after the stop. */
    static final Duration LEFT_BEHIND_AFTER = Duration.ofSeconds(10);
    private static final Duration TASKS_RUNNING_WITHIN = Duration.ofSeconds(120);
    private static final long POLL_MS = 100;

    private StopScenarios() {
    }

    /** How {@code drover run} is stopped. */
    enum Stop {
        SIGINT, SIGTERM, SIGKILL;

        void send(Process p) throws IOException, InterruptedException {
            switch (this) {
                // as a terminal's Ctrl-C sends it; the JDK has no call for SIGINT
                case SIGINT -> new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
                case SIGTERM -> p.destroy();
                case SIGKILL -> p.destroyForcibly();
            }
        }
    }

    static Outcome runStopped(Workload workload, Path dir, PrintWriter progress) throws Exception {
        Files.createDirectories(dir);
        Path file = Files.writeString(dir.resolve("sleeps.txt"),
                ("/bin/sleep " + workload.taskMillis() / 1000 + "\n").repeat(workload.tasks()));
        List<String> notes = new ArrayList<>();
        boolean met = true;
        double longest = 0;
        for (Stop stop : Stop.values()) {
            progress.printf("chaos: run-stopped: %s of drover run mid-job...%n", stop);
            progress.flush();
            Path log = dir.resolve("run-" + stop.name().toLowerCase(Locale.ROOT) + ".log");
            List<String> command = new ArrayList<>(signalsAsInATerminal());
            command.addAll(drover("run", "--workers", "2", "--worker-threads", "2", file.toString()));
            Process run = new ProcessBuilder(command)
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                Optional<List<ProcessHandle>> started = awaitTasksRunning(run, 4);
                if (started.isEmpty()) {
                    met = false;
                    notes.add(stop + ": no tasks running within " + TASKS_RUNNING_WITHIN.toSeconds() + " s; see " + log);
                    continue;
                }
                long t0 = System.nanoTime();
                stop.send(run);
                long end = t0 + LEFT_BEHIND_AFTER.toNanos();
                while (started.get().stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < end) {
                    Thread.sleep(POLL_MS);
                }
                double took = (System.nanoTime() - t0) / 1e9;
                List<ProcessHandle> left = started.get().stream().filter(ProcessHandle::isAlive).toList();
                if (left.isEmpty()) {
                    longest = Math.max(longest, took);
                    notes.add(String.format(Locale.ROOT, "%s: all %d processes gone in %.1f s", stop, started.get().size(), took));
                } else {
                    met = false;
                    notes.add(stop + ": " + left.size() + " of " + started.get().size() + " processes left "
                            + LEFT_BEHIND_AFTER.toSeconds() + " s later: " + left.stream()
                            .map(p -> p.pid() + " " + p.info().command().orElse("?")).collect(Collectors.joining(", ")));
                    left.forEach(ProcessHandle::destroyForcibly);
                }
            } finally {
                run.destroyForcibly();
                run.descendants().forEach(ProcessHandle::destroyForcibly);
            }
        }
        return new Outcome("run-stopped", workload.tasks(), 0, 0, 0, 0, 0, 0, met, longest, Double.NaN, met, notes);
    }

    static Outcome awsGone(Workload workload, Path dir, PrintWriter progress) throws Exception {
        Duration bound = WorkerConfig.DEFAULT_DRAIN_TIMEOUT.plus(Worker.STOP_GRACE);
        List<String> notes = new ArrayList<>();
        boolean met = true;
        boolean ended = true;
        double longest = 0;
        Set<Long> before = ProcessHandle.current().descendants().map(ProcessHandle::pid).collect(Collectors.toSet());
        try (ChaosStack stack = ChaosStack.start(false, dir.resolve("stack"))) {
            // what the stack started: its emulators, whatever they are (JVMs or native binaries)
            List<ProcessHandle> emulators = ProcessHandle.current().descendants().filter(p -> !before.contains(p.pid())).toList();
            Ledger ledger = new Ledger(dir.resolve("ran.log"));
            try (Deployment d = new Deployment(stack, Plan.fixed(2).withChildScheduler(), dir.resolve("run"))) {
                d.client.submit(workload.text(ledger), "aws-gone");
                long deadline = System.nanoTime() + TASKS_RUNNING_WITHIN.toNanos();
                // both workers mid-task, so both hold work they cannot hand back
                while (ledger.runs().stream().map(Ledger.Run::workerPid).distinct().count() < 2 && System.nanoTime() < deadline) {
                    Thread.sleep(POLL_MS);
                }
                emulators.forEach(ProcessHandle::destroyForcibly);
                for (ProcessHandle e : emulators) {
                    e.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(x -> e).join();
                }
                notes.add("kill -9 of " + emulators.size() + " emulator processes after " + ledger.runs().size() + " task runs");
                List<ProcessHandle> workers = d.workers().stream().filter(ProcessHandle::isAlive).toList();
                long t0 = System.nanoTime();
                workers.forEach(ProcessHandle::destroy);
                for (ProcessHandle w : workers) {
                    boolean exited = w.onExit().completeOnTimeout(null, bound.toMillis() - (System.nanoTime() - t0) / 1_000_000,
                            TimeUnit.MILLISECONDS).join() != null;
                    double took = (System.nanoTime() - t0) / 1e9;
                    Optional<String> line = logLine(d.workerLog(w.pid()), "could not hand back");
                    if (!exited) {
                        met = false;
                        ended = false;
                        notes.add("worker " + w.pid() + " still running " + bound.toSeconds() + " s after SIGTERM");
                        w.destroyForcibly();
                    } else {
                        longest = Math.max(longest, took);
                        notes.add(String.format(Locale.ROOT, "worker %d exited in %.1f s (bound %d s)", w.pid(), took,
                                bound.toSeconds()));
                    }
                    if (line.isEmpty()) {
                        met = false;
                        notes.add("worker " + w.pid() + " logged nothing about what it could not hand back");
                    } else {
                        notes.add("it logged: " + line.get());
                    }
                }
            }
        }
        return new Outcome("aws-gone", workload.tasks(), 0, 0, 0, 0, 0, 0, ended, longest, Double.NaN, met, notes);
    }

    /** The first line holding {@code text} in {@code log}. */
    private static Optional<String> logLine(Optional<Path> log, String text) throws IOException {
        if (log.isEmpty() || !Files.exists(log.get())) {
            return Optional.empty();
        }
        return Files.readAllLines(log.get(), StandardCharsets.ISO_8859_1).stream().filter(l -> l.contains(text))
                .findFirst().map(String::trim);
    }

    /**
     * A harness started in the background (a shell's {@code &}, CI) inherits SIGINT ignored, and so
     * would its {@code drover run}, unlike one a terminal's Ctrl-C reaches: coreutils' {@code env}
     * resets it to the default (then execs, so the pid stays the run's). Empty where env cannot.
     */
    private static List<String> signalsAsInATerminal() throws IOException, InterruptedException {
        List<String> env = List.of("env", "--default-signal=INT");
        List<String> probe = new ArrayList<>(env);
        probe.add("true");
        Process p = new ProcessBuilder(probe).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor() == 0 ? env : List.of();
    }

    /** {@code drover ARGS} on this JVM's java and class path, with the properties that find the emulators. */
    private static List<String> drover(String... args) {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
        for (String property : List.of("drover.home", "drover.emulators")) {
            Optional.ofNullable(System.getProperty(property)).ifPresent(v -> cmd.add("-D" + property + "=" + v));
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ChildScheduler.DROVER_MAIN));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Every descendant of the run once {@code sleeps} tasks run: emulators, workers, task shells; empty if none in time. */
    private static Optional<List<ProcessHandle>> awaitTasksRunning(Process run, int sleeps) throws InterruptedException {
        long end = System.nanoTime() + TASKS_RUNNING_WITHIN.toNanos();
        while (System.nanoTime() < end && run.isAlive()) {
            List<ProcessHandle> all = run.descendants().toList();
            if (all.stream().filter(p -> p.info().command().map(c -> c.endsWith("/sleep")).orElse(false)).count() >= sleeps) {
                return Optional.of(all);
            }
            Thread.sleep(POLL_MS);
        }
        return Optional.empty();
    }
}
