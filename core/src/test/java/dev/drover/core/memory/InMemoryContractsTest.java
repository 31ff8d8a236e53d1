package dev.drover.core.memory;

import dev.drover.core.contract.ClaimStoreContract;
import dev.drover.core.contract.JobStoreContract;
import dev.drover.core.contract.MessageQueueContract;
import dev.drover.core.contract.PayloadStoreContract;
import dev.drover.core.port.ClaimStore;
import dev.drover.core.port.JobStore;
import dev.drover.core.port.MessageQueue;
import dev.drover.core.port.PayloadStore;
import dev.drover.core.queue.CompressingMessageQueue;
import java.time.Clock;
import org.junit.jupiter.api.Nested;

class InMemoryContractsTest {
    @Nested
    class Queue extends MessageQueueContract {
        @Override
        protected MessageQueue newQueue() {
            return new InMemoryMessageQueue(Clock.systemUTC());
        }
    }

    /** The production stack (compression, then offloading) over an in-memory queue with SQS's size limit. */
    @Nested
    class CloudStackQueue extends MessageQueueContract {
        @Override
        protected MessageQueue newQueue() {
            return CompressingMessageQueue.overCloudQueue(new InMemoryMessageQueue(Clock.systemUTC()),
                    new InMemoryPayloadStore());
        }
    }

    @Nested
    class Claims extends ClaimStoreContract {
        private final ClaimStore store = new InMemoryClaimStore();

        @Override
        protected ClaimStore store() {
            return store;
        }
    }

    @Nested
    class Jobs extends JobStoreContract {
        private final JobStore store = new InMemoryJobStore();

        @Override
        protected JobStore store() {
            return store;
        }
    }

    @Nested
    class Payloads extends PayloadStoreContract {
        private final PayloadStore store = new InMemoryPayloadStore();

        @Override
        protected PayloadStore store() {
            return store;
        }
    }
}
