package dev.drover.bench.suite;

import java.util.LinkedHashMap;
import java.util.Map;

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
        static final String FIRST_STARTED_SECONDS = "firstStartedSeconds";
        static final String LAST_FINISHED_SECONDS = "lastFinishedSeconds";
        static final String MAX_WORKERS = "maxWorkers";
        static final String SECONDS_TO_FIRST_LAUNCH = "secondsToFirstLaunch";
        static final String SECONDS_TO_FULL_FLEET_LAUNCHED = "secondsToFullFleetLaunched";
        static final String SECONDS_TO_FULL_FLEET_RUNNING = "secondsToFullFleetRunning";

        private Keys() {}
    }
}
