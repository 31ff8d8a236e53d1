package dev.drover.scheduler.billing;

import dev.drover.core.Usage;
import dev.drover.core.codec.Json;
import dev.drover.core.model.Bundle;
import dev.drover.core.model.BundleSeal;
import dev.drover.core.model.ResultBatch;
import dev.drover.core.model.ResultProof;
import dev.drover.core.model.Task;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import dev.drover.core.port.Message;
import dev.drover.core.port.MessageQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** The test plays a worker on the scheduler's in-memory queues: takes bundles and reports results with their usage. */
final class WorkerDouble {
    private final MessageQueue requests;
    private final MessageQueue responses;
    /** Each task's bundle seal, which signs its result as a real worker's would. */
    private final Map<String, BundleSeal> seals = new ConcurrentHashMap<>();

    WorkerDouble(MessageQueue requests, MessageQueue responses) {
        this.requests = requests;
        this.responses = responses;
    }

    /** The tasks of the bundles on the request queue, once at least {@code atLeast} of them are there. */
    List<Task> take(int atLeast) {
        List<Task> tasks = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (tasks.size() < atLeast && System.nanoTime() < deadline) {
            List<Message> got = requests.receive(10, Duration.ofMillis(200), Duration.ofMinutes(5));
            for (Message m : got) {
                Bundle b = Json.bundle(m.body());
                tasks.addAll(b.tasks());
                b.tasks().forEach(t -> seals.put(Task.id(b.jobId(), t.seq()), b.seal()));
            }
            if (!got.isEmpty()) {
                requests.delete(got);
            }
        }
        return tasks;
    }

    /** Reports that {@code task} of {@code jobId} ran {@code millis} ms and succeeded, with the calls it cost. */
    void report(String jobId, Task task, long millis, Usage usage) {
        long start = System.currentTimeMillis() - millis;
        TaskResult r = new TaskResult(jobId, task.seq(), task.line(), task.command(), TaskStatus.SUCCEEDED, 0, "", "",
                false, false, "w1", start, start, start + millis, 1, null);
        responses.send(List.of(Json.write(new ResultBatch("w1", jobId, usage, 0, List.of(r), List.of(),
                List.of(ResultProof.sign(seals.get(Task.id(jobId, task.seq())), List.of(r), List.of()))))));
    }
}
