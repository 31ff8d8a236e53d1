package dev.drover.core.worker;

import dev.drover.core.codec.Json;
import dev.drover.core.model.TaskResult;
import dev.drover.core.port.Message;
import dev.drover.core.port.MessageQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The worker tests' scheduler side: the results workers post, read off the response queue. */
final class Responses {
    private Responses() {
    }

    /** Reads (and deletes) result messages until {@code expected} results came or {@code within} passed. */
    static List<TaskResult> collect(MessageQueue responses, int expected, Duration within) {
        List<TaskResult> all = new ArrayList<>();
        long end = System.nanoTime() + within.toNanos();
        while (all.size() < expected && System.nanoTime() < end) {
            List<Message> got = responses.receive(10, Duration.ofMillis(100), Duration.ofSeconds(30));
            got.forEach(m -> all.addAll(Json.resultBatch(m.body()).results()));
            responses.delete(got);
        }
        return all;
    }
}
