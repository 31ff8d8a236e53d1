package dev.drover.scheduler.metrics;

import dev.drover.core.Usage;
import dev.drover.core.model.JobStatus;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import dev.drover.core.port.MessageQueue.QueueDepth;
import dev.drover.scheduler.model.JobView;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The scheduler's figures for {@code GET /metrics}, in Micrometer's Prometheus registry: tasks by
 * status, jobs by state, queue depth, fleet size by state, dispatch and collection latency
 * histograms, the AWS calls the jobs made, and the fleet's cost. Gauges read a snapshot taken at
 * most once a second, so a scrape (or the dashboard) never walks every job or asks SQS per meter.
 */
public final class SchedulerMetrics {
    /** How long one snapshot of the jobs, the queue and the fleet serves. */
    public static final Duration SNAPSHOT_TTL = Duration.ofSeconds(1);

    private final HeldClock clock = new HeldClock();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT,
            new PrometheusRegistry(), clock);
    private final Timer dispatch;
    private final Timer collection;
    private final Timer latency;
    private final Map<String, LongAdder> tasksByWorker = new ConcurrentHashMap<>();
    private final Cached<List<JobView>> jobs;
    private final Cached<QueueDepth> queue;
    private volatile Cached<Map<String, Object>> fleet = new Cached<>(Map::of);

    public SchedulerMetrics(Supplier<List<JobView>> jobs, Supplier<QueueDepth> queue, Supplier<Usage> schedulerCalls) {
        this.jobs = new Cached<>(jobs);
        this.queue = new Cached<>(queue);
        this.dispatch = histogram("drover.dispatch.latency", "from a task's bundle being sent to the task starting on a worker");
        this.collection = histogram("drover.collection.latency", "from a task ending on its worker to its result being recorded");
        this.latency = histogram("drover.task.latency", "from a task's bundle being sent to its result being recorded");
        for (TaskStatus s : TaskStatus.values()) {
            Gauge.builder("drover.tasks", this, m -> m.jobs().stream().mapToLong(j -> j.counts().getOrDefault(s, 0L)).sum())
                    .description("tasks of the scheduler's jobs, by status").tag("status", s.name()).register(registry);
        }
        for (JobStatus s : JobStatus.values()) {
            Gauge.builder("drover.jobs", this, m -> m.jobs().stream().filter(j -> j.state() == s).count())
                    .description("jobs by state").tag("state", s.name()).register(registry);
        }
        Gauge.builder("drover.queue.messages", this, m -> m.queue.get().visible()).tag("state", "visible")
                .description("bundles on the request queue").register(registry);
        Gauge.builder("drover.queue.messages", this, m -> m.queue.get().inFlight()).tag("state", "in_flight")
                .description("bundles on the request queue").register(registry);
        for (String state : List.of("desired", "live", "booting", "running")) {
            Gauge.builder("drover.fleet.workers", this, m -> number(m.fleet.get().get(state)))
                    .description("the fleet's workers, by state").tag("state", state).register(registry);
        }
        Gauge.builder("drover.fleet.cost", this, m -> number(m.fleet.get().get("costUsd"))).baseUnit("usd")
                .description("what the fleet has cost so far: EC2 list price × seconds, 60 s minimum each").register(registry);
        Gauge.builder("drover.fleet.worker.seconds", this, m -> number(m.fleet.get().get("workerSeconds")))
                .description("seconds the fleet's workers have lived").register(registry);
        calls("sqs", "requests", Usage::sqsRequests, schedulerCalls);
        calls("dynamodb", "writes", Usage::dynamoWrites, schedulerCalls);
        calls("dynamodb", "reads", Usage::dynamoReads, schedulerCalls);
        calls("s3", "requests", Usage::s3Requests, schedulerCalls);
    }

    private Timer histogram(String name, String description) {
        return Timer.builder(name).description(description).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofHours(1)).register(registry);
    }

    private void calls(String service, String kind, ToDoubleFunction<Usage> of, Supplier<Usage> schedulerCalls) {
        ToDoubleFunction<JobView> perJob = switch (service + kind) {
            case "sqsrequests" -> j -> j.sqsRequests();
            case "dynamodbwrites" -> j -> j.dynamoWrites();
            case "dynamodbreads" -> j -> j.dynamoReads();
            default -> j -> j.s3Requests();
        };
        FunctionCounter.builder("drover.aws.calls", this, m -> m.jobs().stream().mapToDouble(perJob).sum())
                .description("billable AWS calls charged to jobs, by workers and the scheduler alike")
                .tags("service", service, "kind", kind, "charged", "jobs").register(registry);
        FunctionCounter.builder("drover.aws.calls", schedulerCalls, u -> of.applyAsDouble(u.get()))
                .description("billable AWS calls charged to jobs, by workers and the scheduler alike")
                .tags("service", service, "kind", kind, "charged", "scheduler").register(registry);
    }

    private static double number(Object o) {
        return o instanceof Number n ? n.doubleValue() : 0;
    }

    /** Where the fleet's status comes from ({@code GET /fleet}'s map); none for the in-JVM pool. */
    public void fleet(Supplier<Map<String, Object>> status) {
        this.fleet = new Cached<>(status);
    }

    /** Records fresh results: their latencies, and the tasks each worker has run. */
    public void collected(List<TaskResult> fresh, long now) {
        clock.hold();
        try {
            for (TaskResult r : fresh) {
                if (r.worker().isEmpty() || r.worker().equals("scheduler")) {
                    continue; // decided by the scheduler: no run behind it
                }
                dispatch.record(Math.max(0, r.startedAt() - r.queuedAt()), TimeUnit.MILLISECONDS);
                collection.record(Math.max(0, now - r.finishedAt()), TimeUnit.MILLISECONDS);
                latency.record(Math.max(0, now - r.queuedAt()), TimeUnit.MILLISECONDS);
                tasksByWorker.computeIfAbsent(r.worker(), w -> new LongAdder()).increment();
            }
        } finally {
            clock.release();
        }
    }

    /**
     * The registry's clock. A timer reads the wall time twice a record (to move its max's and its histogram's
     * windows), six times a result for the three timers, about 30 ns each on a kvm-clock: while a thread records a
     * batch of results, it reads the time it held at the batch's start instead.
     */
    private static final class HeldClock implements Clock {
        private static final long NONE = Long.MIN_VALUE;
        private final ThreadLocal<long[]> held = ThreadLocal.withInitial(() -> new long[] {NONE});

        void hold() {
            held.get()[0] = Clock.SYSTEM.wallTime();
        }

        void release() {
            held.get()[0] = NONE;
        }

        @Override
        public long wallTime() {
            long at = held.get()[0];
            return at != NONE ? at : Clock.SYSTEM.wallTime();
        }

        @Override
        public long monotonicTime() {
            return Clock.SYSTEM.monotonicTime();
        }
    }

    /** Tasks each worker has reported, by worker id. */
    public Map<String, Long> tasksByWorker() {
        Map<String, Long> out = new TreeMap<>();
        tasksByWorker.forEach((w, n) -> out.put(w, n.sum()));
        return out;
    }

    /** The queue's depth, as last read (at most {@link #SNAPSHOT_TTL} old). */
    public QueueDepth queue() {
        return queue.get();
    }

    /** The fleet's status, as last read. */
    public Map<String, Object> fleetStatus() {
        return fleet.get();
    }

    /** Every job's view, as last read. */
    public List<JobView> jobs() {
        return jobs.get();
    }

    /** The Prometheus text exposition format (0.0.4). */
    public String scrape() {
        return registry.scrape();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** A value read at most once per {@link #SNAPSHOT_TTL}; a failed read keeps the last good one. */
    static final class Cached<T> {
        private final Supplier<T> source;
        private T value;
        private long readAt = Long.MIN_VALUE;

        Cached(Supplier<T> source) {
            this.source = source;
        }

        synchronized T get() {
            long now = System.nanoTime();
            if (value == null || now - readAt >= SNAPSHOT_TTL.toNanos()) {
                try {
                    value = source.get();
                } catch (RuntimeException e) {
                    if (value == null) {
                        throw e;
                    }
                }
                readAt = now;
            }
            return value;
        }
    }
}
