package dev.drover.bench.suite;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Locale;

/**
 * One measured case: its section (throughput, efficiency, raw, naive, elastic), what it ran on,
 * and its figures under the stable key names of {@link Keys}.
 */
final class Row {
    final String section;
    final String backend;
    private final Map<String, Number> figures = new LinkedHashMap<>();

    Row(String section, String backend) {
        this.section = section;
        this.backend = backend;
    }

    Row put(String key, Number value) {
        figures.put(key, value);
        return this;
    }

    boolean has(String key) {
        return figures.containsKey(key);
    }

    double get(String key) {
        Number n = figures.get(key);
        return n == null ? Double.NaN : n.doubleValue();
    }

    int workers() {
        return (int) get(Keys.WORKERS);
    }

    Map<String, Number> figures() {
        return figures;
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("section", section);
        m.put("backend", backend);
        figures.forEach((k, v) -> m.put(k, v instanceof Double d ? Report.round(d) : v));
        return m;
    }

    /** Stable key names of the JSON and CSV output. */
    static final class Keys {
        static final String WORKERS = "workers";
        static final String PROCESSES = "processes";
        static final String THREADS_PER_PROCESS = "threadsPerProcess";
        static final String TASKS = "tasks";
        static final String MESSAGES = "messages";
        static final String TASK_MILLIS = "taskMillis";
        static final String TASKS_PER_WORKER = "tasksPerWorker";
        static final String REPETITIONS = "repetitions";
        static final String WALL_SECONDS = "wallSeconds";
        static final String TASKS_PER_SECOND = "tasksPerSecond";
        static final String REMOTE_TASKS_PER_SECOND = "remoteTasksPerSecond";
        static final String RAW_MESSAGES_PER_SECOND = "rawMessagesPerSecond";
        static final String RATIO_TO_RAW = "ratioToRaw";
        static final String IDEAL_SECONDS = "idealSeconds";
        static final String EFFICIENCY = "efficiency";
        static final String SQS_REQUESTS = "sqsRequests";
        static final String DYNAMO_WRITES = "dynamoWrites";
        static final String DYNAMO_READS = "dynamoReads";
        static final String S3_REQUESTS = "s3Requests";
        static final String SQS_REQUESTS_PER_TASK = "sqsRequestsPerTask";
        static final String DYNAMO_WRITES_PER_TASK = "dynamoWritesPerTask";
        static final String DYNAMO_READS_PER_TASK = "dynamoReadsPerTask";
        static final String S3_REQUESTS_PER_TASK = "s3RequestsPerTask";
        static final String COST_PER_MILLION_TASKS_USD = "costPerMillionTasksUsd";
        static final String LAST_QUEUED_SECONDS = "lastQueuedSeconds";
        static final String WARM_UP_ROUNDS = "warmUpRounds";
        static final String FIRST_QUEUED_SECONDS = "firstQueuedSeconds";
        static final String FIRST_STARTED_SECONDS = "firstStartedSeconds";
        static final String LAST_FINISHED_SECONDS = "lastFinishedSeconds";
        static final String START_OVERHEAD_SECONDS = "startOverheadSeconds";
        static final String TAIL_OVERHEAD_SECONDS = "tailOverheadSeconds";
        /** Submit call to first task started, plus last task ended to last result collected. */
        static final String JOB_OVERHEAD_SECONDS = "jobOverheadSeconds";
        /** Where an efficiency job's wall time went, seconds a thread ({@link WallSplit}). */
        static final String SPLIT_START_SECONDS = "splitStartSeconds";
        static final String SPLIT_STAGGER_SECONDS = "splitStaggerSeconds";
        static final String SPLIT_GAPS_SECONDS = "splitGapsSeconds";
        static final String SPLIT_OVERRUN_SECONDS = "splitOverrunSeconds";
        static final String SPLIT_IMBALANCE_SECONDS = "splitImbalanceSeconds";
        static final String SPLIT_TAIL_SECONDS = "splitTailSeconds";
        /** Thread CPU of the scheduler's threads during the job ÷ its tasks (the bench's own threads apart). */
        static final String SCHEDULER_CPU_MICROS_PER_TASK = "schedulerCpuMicrosPerTask";
        static final String CLIENT_CPU_MICROS_PER_TASK = "clientCpuMicrosPerTask";
        static final String MAX_WORKERS = "maxWorkers";
        static final String SECONDS_TO_FIRST_LAUNCH = "secondsToFirstLaunch";
        static final String SECONDS_TO_FULL_FLEET_LAUNCHED = "secondsToFullFleetLaunched";
        static final String SECONDS_TO_FULL_FLEET_RUNNING = "secondsToFullFleetRunning";

        /** {@code cpuIntakeMicrosPerTask}, {@code cpuPlanMicrosPerTask}, ...: one stage's share. */
        static String cpuMicrosPerTask(SchedulerCpu.Stage stage) {
            String n = stage.name().toLowerCase(Locale.ROOT);
            return "cpu" + Character.toUpperCase(n.charAt(0)) + n.substring(1) + "MicrosPerTask";
        }

        private Keys() {}
    }
}
