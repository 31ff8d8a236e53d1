package dev.drover.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqsMessageQueueTest {
    @Test
    void sendBatchesHoldTenBodiesAtMost() {
        List<String> bodies = Collections.nCopies(25, "x");
        assertEquals(List.of(10, 10, 5), sizes(SqsMessageQueue.sendBatches(bodies)));
    }

    @Test
    void sendBatchesKeepTheirTotalPayloadUnderOneMessageSize() {
        String large = "y".repeat(100 * 1024);
        // Two of 100 KiB fit in 256 KiB, a third does not; 80 Ki characters would fit beside it,
        // but they are 160 KiB in UTF-8, which is what SQS counts.
        String wide = "é".repeat(80 * 1024);
        List<List<String>> batches = SqsMessageQueue.sendBatches(List.of(large, large, large, wide, "z"));
        assertEquals(List.of(2, 1, 2), sizes(batches));
        assertEquals(List.of(wide, "z"), batches.get(2));
    }

    private static List<Integer> sizes(List<List<String>> batches) {
        return batches.stream().map(List::size).toList();
    }
}
