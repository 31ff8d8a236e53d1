package dev.drover.scheduler.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.Usage;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import dev.drover.core.port.MessageQueue.QueueDepth;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Each fresh result a worker ran counts once in each latency timer; the registry's clock is live again after a batch. */
class SchedulerMetricsTest {
    private final SchedulerMetrics metrics = new SchedulerMetrics(List::of, () -> new QueueDepth(0, 0), () -> Usage.ZERO);

    private static TaskResult result(long seq, String worker, long queuedAt, long startedAt, long finishedAt) {
        return new TaskResult("j", seq, 1, "sleep 0", TaskStatus.SUCCEEDED, 0, "", "", false, false, worker, queuedAt,
                startedAt, finishedAt, 1, null);
    }

    private Timer timer(String name) {
        return metrics.registry().get(name).timer();
    }

    @Test
    void everyRunResultIsTimedOnceAndTheClockIsLiveAfterTheBatch() throws InterruptedException {
        long now = System.currentTimeMillis();
        metrics.collected(List.of(result(0, "w1", now - 500, now - 400, now - 100), result(1, "w1", now - 300, now - 290, now - 10),
                result(2, "scheduler", now - 50, now - 50, now - 50)), now);
        assertEquals(2, timer("drover.dispatch.latency").count());
        assertEquals(100, timer("drover.dispatch.latency").max(TimeUnit.MILLISECONDS));
        assertEquals(110, timer("drover.collection.latency").totalTime(TimeUnit.MILLISECONDS));
        assertEquals(500, timer("drover.task.latency").max(TimeUnit.MILLISECONDS));
        assertEquals(Map.of("w1", 2L), metrics.tasksByWorker());
        long before = metrics.registry().config().clock().wallTime();
        Thread.sleep(30);
        assertTrue(metrics.registry().config().clock().wallTime() >= before + 30, "the clock held for a batch is released");
    }
}
