package dev.drover.bench.suite;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The scheduler's CPU time during one job, by stage: the thread CPU of its named threads between
 * two snapshots (dispatcher: plan, seal, send; collectors: collect, record; HTTP: serve; the rest:
 * other), with the submitting thread's CPU for the submit call as intake. Within the dispatcher
 * and the collectors, a sampler (every {@link #SAMPLE_MILLIS} ms) splits the thread's CPU by the
 * share of its running samples whose stack holds each stage's class; a sample waiting in a socket
 * read is not running and is left out. With several scheduler replicas in this JVM (their threads named
 * alike), each replica's CPU is told apart by the thread group its threads were started in.
 */
final class SchedulerCpu implements AutoCloseable {
    enum Stage { INTAKE, PLAN, SEAL, SEND, COLLECT, RECORD, SERVE, OTHER }

    private static final long SAMPLE_MILLIS = 5;
    /** The scheduler counts as idle once its threads took less than this CPU in a window of {@link #QUIET_WINDOW_MILLIS}. */
    private static final long QUIET_NANOS = 1_000_000;
    private static final long QUIET_WINDOW_MILLIS = 150;
    private static final long QUIET_POLL_MILLIS = 25;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final Map<Long, Long> before = cpuByThread();
    private final Map<Stage, Long> samples = new EnumMap<>(Stage.class);
    private final Thread sampler;
    private volatile boolean running = true;
    private long intakeNanos;
    /** CPU of the threads of workers in this JVM (a simulated fleet's) by kind ("poll", "publish", ...), set by {@link #stop()}. */
    private final Map<String, Long> fleetNanos = new TreeMap<>();
    /** The replicas' thread groups, and the scheduler CPU of each ({@link #stop()}), in their order. */
    private final List<ThreadGroup> replicas;
    private final long[] replicaNanos;

    private SchedulerCpu(List<ThreadGroup> replicas) {
        this.replicas = List.copyOf(replicas);
        this.replicaNanos = new long[replicas.size()];
        sampler = new Thread(this::sample, "drover-bench-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    static SchedulerCpu start() {
        return new SchedulerCpu(List.of());
    }

    /** The same, also splitting the scheduler's CPU by replica: the thread group each one's threads started in. */
    static SchedulerCpu start(List<ThreadGroup> replicas) {
        return new SchedulerCpu(replicas);
    }

    /** Adds the submit call's CPU (the submitting thread's, measured around the call). */
    void intake(long nanos) {
        intakeNanos += nanos;
    }

    /**
     * Waits until the scheduler's threads have been idle for a while (under {@link #QUIET_NANOS} of CPU in
     * {@link #QUIET_WINDOW_MILLIS}), at most {@code max}: so that the CPU measured around a job is the job's own,
     * not the end of the job before it (a warm-up's final save and expiry, its first such calls in the JVM,
     * ran on a collector as the next job's measurement began), and includes the job's own end.
     */
    static void awaitQuiet(Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        long windowStart = System.nanoTime();
        long cpuAtStart = schedulerNanos();
        while (System.nanoTime() < deadline) {
            Thread.sleep(QUIET_POLL_MILLIS);
            long cpu = schedulerNanos();
            if (cpu - cpuAtStart > QUIET_NANOS) {
                windowStart = System.nanoTime();
                cpuAtStart = cpu;
            } else if (System.nanoTime() - windowStart >= QUIET_WINDOW_MILLIS * 1_000_000L) {
                return;
            }
        }
    }

    /** CPU nanoseconds the scheduler's threads alive now have taken (not the bench's own sampler). */
    private static long schedulerNanos() {
        long sum = 0;
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds(), 0)) {
            if (info != null && schedulers(info.getThreadName()) && !info.getThreadName().startsWith("drover-bench")) {
                sum += Math.max(0, THREADS.getThreadCpuTime(info.getThreadId()));
            }
        }
        return sum;
    }

    /** CPU nanoseconds of the calling thread. */
    static long threadNanos() {
        return THREADS.getCurrentThreadCpuTime();
    }

    /** Stops the sampler; the CPU nanoseconds each stage took since {@link #start()}. */
    Map<Stage, Long> stop() throws InterruptedException {
        running = false;
        sampler.join();
        Map<Long, Long> after = cpuByThread();
        Map<Stage, Long> cpu = new EnumMap<>(Stage.class);
        for (Stage s : Stage.values()) {
            cpu.put(s, 0L);
        }
        cpu.put(Stage.INTAKE, intakeNanos);
        long dispatcher = 0;
        long collectors = 0;
        Map<Long, Integer> replicaOf = replicaOfThread();
        for (long id : after.keySet()) {
            ThreadInfo info = THREADS.getThreadInfo(id);
            if (info == null) {
                continue;
            }
            long used = after.get(id) - before.getOrDefault(id, 0L);
            String name = info.getThreadName();
            WORKER_THREADS.stream().filter(name::startsWith).findFirst()
                    .ifPresent(kind -> fleetNanos.merge(kind.substring("drover-".length()).replace("-", ""), used, Long::sum));
            if (name.startsWith("drover-bench") || !schedulers(name)) {
                continue;
            }
            Integer replica = replicaOf.get(id);
            if (replica != null) {
                replicaNanos[replica] += used;
            }
            if (name.equals("drover-dispatcher")) {
                dispatcher += used;
            } else if (name.startsWith("drover-collector")) {
                collectors += used;
            } else if (name.startsWith("drover-http")) {
                cpu.merge(Stage.SERVE, used, Long::sum);
            } else {
                cpu.merge(Stage.OTHER, used, Long::sum);
            }
        }
        split(cpu, dispatcher, Stage.PLAN, Stage.SEAL, Stage.SEND);
        split(cpu, collectors, Stage.COLLECT, Stage.RECORD);
        return cpu;
    }

    /**
     * Scheduler CPU nanoseconds of each replica since the start, in the order of the groups given (set by
     * {@link #stop()}); a scheduler thread in none of them (there should be none) is in the stages' total only.
     */
    long[] replicaNanos() {
        return replicaNanos.clone();
    }

    /** Thread id to the index of the replica whose group holds the thread. */
    private Map<Long, Integer> replicaOfThread() {
        Map<Long, Integer> of = new HashMap<>();
        for (int i = 0; i < replicas.size(); i++) {
            Thread[] threads = new Thread[replicas.get(i).activeCount() + 64];
            int n = replicas.get(i).enumerate(threads, true);
            for (int t = 0; t < n; t++) {
                of.put(threads[t].getId(), i);
            }
        }
        return of;
    }

    /** CPU nanoseconds the threads of workers in this JVM took since {@link #start()} (those alive at {@link #stop()}). */
    long fleetNanos() {
        return fleetNanos.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The same by the kind of thread: "poll", "publish", "settle", "sim" (the simulated tasks' timers), ... */
    Map<String, Long> fleetNanosByKind() {
        return Map.copyOf(fleetNanos);
    }

    /** Threads of workers in this JVM (the simulated fleet): not the scheduler's. */
    private static final List<String> WORKER_THREADS = List.of("drover-task", "drover-poll-", "drover-publish-",
            "drover-settle-", "drover-lease-", "drover-upload-", "drover-cancel-", "drover-stop-", "drover-files-", "drover-sim-");

    /** The scheduler's threads: its own, and the AWS SDK's it drives (connection reapers, timers). */
    private static boolean schedulers(String name) {
        return (name.startsWith("drover-") || name.startsWith("sdk-") || name.startsWith("idle-connection-reaper"))
                && WORKER_THREADS.stream().noneMatch(name::startsWith);
    }

    private void split(Map<Stage, Long> cpu, long nanos, Stage... stages) {
        long n = 0;
        synchronized (samples) {
            for (Stage s : stages) {
                n += samples.getOrDefault(s, 0L);
            }
            for (Stage s : stages) {
                // no sample (a very short job): all of it goes to the first stage
                long share = n == 0 ? (s == stages[0] ? nanos : 0) : nanos * samples.getOrDefault(s, 0L) / n;
                cpu.merge(s, share, Long::sum);
            }
        }
    }

    /**
     * Samples the dispatcher's and collectors' stacks only: a dump of every thread would stop a
     * simulated fleet's thousands of threads at each sample. Their ids are looked up again each second.
     */
    private void sample() {
        long[] sampled = {};
        long lookedUp = 0;
        while (running) {
            if (System.nanoTime() - lookedUp > 1_000_000_000L) {
                sampled = sampledThreads();
                lookedUp = System.nanoTime();
            }
            for (ThreadInfo info : THREADS.getThreadInfo(sampled, 48)) {
                if (info == null) {
                    continue;
                }
                String name = info.getThreadName();
                Stage s = name.equals("drover-dispatcher") ? dispatchStage(info.getStackTrace()) : collectStage(info.getStackTrace());
                if (info.getThreadState() == Thread.State.RUNNABLE && !waiting(info.getStackTrace())) {
                    synchronized (samples) {
                        samples.merge(s, 1L, Long::sum);
                    }
                }
            }
            try {
                Thread.sleep(SAMPLE_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Ids of the dispatcher and the collector threads, read without their stacks. */
    private static long[] sampledThreads() {
        return Arrays.stream(THREADS.getThreadInfo(THREADS.getAllThreadIds(), 0))
                .filter(i -> i != null && (i.getThreadName().equals("drover-dispatcher") || i.getThreadName().startsWith("drover-collector")))
                .mapToLong(ThreadInfo::getThreadId).toArray();
    }

    private static Stage dispatchStage(StackTraceElement[] stack) {
        for (StackTraceElement f : stack) {
            String c = f.getClassName();
            if (c.contains("Sealer") || c.contains("BundleSecret") || c.contains("BundleSeal")) {
                return Stage.SEAL;
            }
            if (c.endsWith("BundlePlanner") || c.contains("BundlePlanner$") || c.contains("JobWorkload")) {
                return Stage.PLAN;
            }
        }
        return Stage.SEND;
    }

    private static Stage collectStage(StackTraceElement[] stack) {
        for (StackTraceElement f : stack) {
            if (f.getClassName().startsWith("dev.drover.scheduler.job.")) {
                return Stage.RECORD;
            }
        }
        return Stage.COLLECT;
    }

    /** In a blocking socket read, poll or park: RUNNABLE to the JVM, but not using the processor. */
    private static boolean waiting(StackTraceElement[] stack) {
        if (stack.length == 0) {
            return true;
        }
        String top = stack[0].getClassName() + "." + stack[0].getMethodName();
        return stack[0].isNativeMethod() && (top.contains("read") || top.contains("poll") || top.contains("accept")
                || top.contains("epoll") || top.contains("park") || top.contains("Net."));
    }

    private static Map<Long, Long> cpuByThread() {
        Map<Long, Long> m = new HashMap<>();
        for (long id : THREADS.getAllThreadIds()) {
            long t = THREADS.getThreadCpuTime(id);
            if (t >= 0) {
                m.put(id, t);
            }
        }
        return m;
    }

    @Override
    public void close() {
        running = false;
    }
}
