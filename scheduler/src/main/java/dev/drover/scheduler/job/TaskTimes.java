package dev.drover.scheduler.job;

import dev.drover.core.model.Commands;
import dev.drover.core.model.TaskResult;
import java.util.HashMap;
import java.util.Map;

/**
 * How long a job's tasks take: what bundles are sized by and forecasts are made from. Measured run
 * times once results come, the dispatcher's estimate before. Thread-safe.
 */
public final class TaskTimes {
    static final int COMMANDS_KEPT = 1000;

    private long shellMillis;
    /** What the shell tasks held their threads: less than their time while outputs upload off the thread. */
    private long shellThreadMillis;
    private long shellRuns;
    private long runMillis;
    private long runs;
    private double expectedMillis;
    private long expected;
    /** Run time per command line, for forecasts: at most {@link #COMMANDS_KEPT} lines a job. */
    private final Map<String, CommandTime> commandTimes = new HashMap<>();

    /** A command line's run time and runs so far, and whether it is a shell command (told once, not at every result). */
    private static final class CommandTime {
        final boolean shell;
        long millis;
        long runs;

        CommandTime(String command) {
            shell = Commands.sleepMillis(command) < 0;
        }
    }

    /** Counts a task that ran on a worker (not one cancelled, nor decided by the scheduler). */
    synchronized void ran(TaskResult r) {
        runMillis += r.durationMillis();
        runs++;
        CommandTime t = commandTimes.get(r.command());
        if (t == null && commandTimes.size() < COMMANDS_KEPT) {
            commandTimes.put(r.command(), t = new CommandTime(r.command()));
        }
        if (t != null) {
            t.millis += r.durationMillis();
            t.runs++;
        }
        if (t != null ? t.shell : Commands.sleepMillis(r.command()) < 0) {
            shellMillis += r.durationMillis();
            shellThreadMillis += r.threadMillis();
            shellRuns++;
        }
    }

    /** Records the dispatcher's estimate for tasks just queued, used until results are measured. */
    public synchronized void expect(double millis, long tasks) {
        expectedMillis += millis;
        expected += tasks;
    }

    /**
     * Mean time the job's shell tasks held a worker thread so far, or -1 before the first one ends:
     * what bundles are sized by. A task's wait for its outputs' upload is left out: counted in, a
     * queue of uploads made the tasks look long and the bundles small, and their extra requests
     * slowed the uploads further.
     */
    public synchronized double meanShellThreadMillis() {
        return shellRuns == 0 ? -1 : (double) shellThreadMillis / shellRuns;
    }

    /** Total run time and count of the job's shell tasks so far: {millis, runs}. */
    public synchronized long[] shellTime() {
        return new long[] {shellMillis, shellRuns};
    }

    /** Total measured run time and count of finished tasks, else the dispatcher's estimate: {millis, tasks}. */
    public synchronized double[] taskTime() {
        return runs > 0 ? new double[] {runMillis, runs} : new double[] {expectedMillis, expected};
    }

    /** Seconds its tasks ran on workers (cancelled ones not counted): what its share of the fleet is measured by. */
    public synchronized double taskSeconds() {
        return runMillis / 1000.0;
    }

    /** Run time per command line so far: {millis, runs} (a copy). */
    public synchronized Map<String, long[]> commandTimes() {
        Map<String, long[]> copy = new HashMap<>();
        commandTimes.forEach((k, v) -> copy.put(k, new long[] {v.millis, v.runs}));
        return copy;
    }
}
