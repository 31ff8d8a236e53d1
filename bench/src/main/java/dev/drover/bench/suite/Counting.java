package dev.drover.bench.suite;

import dev.drover.core.Usage;
import dev.drover.core.UsageMeter;
import dev.drover.core.port.ClaimStore;
import dev.drover.core.port.Message;
import dev.drover.core.port.MessageQueue;
import dev.drover.core.queue.ForwardingMessageQueue;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Request counting for the in-memory stand-in of the remote path (the smoke configuration): every
 * call a real SQS queue or DynamoDB table would bill is counted as one request, the way
 * {@code CallMeter} counts real SDK calls, so the suite's per-task figures can be checked without
 * emulators. One meter per simulated process, like one JVM per worker process.
 */
final class Counting {
    private Counting() {}

    private static int calls(int items) {
        return (items + MessageQueue.MAX_BATCH - 1) / MessageQueue.MAX_BATCH;
    }

    /** Total calls and, per thread, the calls made inside {@link #charge}. */
    static final class Meter implements UsageMeter {
        private final LongAdder sqs = new LongAdder();
        private final LongAdder writes = new LongAdder();
        private final LongAdder reads = new LongAdder();
        private final ThreadLocal<long[]> current = new ThreadLocal<>();

        void add(int sqsCalls, int writeCalls, int readCalls) {
            sqs.add(sqsCalls);
            writes.add(writeCalls);
            reads.add(readCalls);
            long[] c = current.get();
            if (c != null) {
                c[0] += sqsCalls;
                c[1] += writeCalls;
                c[2] += readCalls;
            }
        }

        @Override
        public Usage total() {
            return new Usage(sqs.sum(), writes.sum(), reads.sum(), 0);
        }

        @Override
        public <T> T charge(Consumer<Usage> charge, Supplier<T> body) {
            long[] previous = current.get();
            long[] mine = new long[3];
            current.set(mine);
            try {
                return body.get();
            } finally {
                if (previous == null) {
                    current.remove();
                } else {
                    current.set(previous);
                }
                charge.accept(new Usage(mine[0], mine[1], mine[2], 0));
            }
        }
    }

    static final class Queue extends ForwardingMessageQueue {
        private final Meter meter;

        Queue(MessageQueue inner, Meter meter) {
            super(inner);
            this.meter = meter;
        }

        @Override
        public void send(List<String> bodies) {
            meter.add(calls(bodies.size()), 0, 0);
            super.send(bodies);
        }

        @Override
        public List<Message> receive(int max, Duration wait, Duration visibility) {
            meter.add(1, 0, 0);
            return super.receive(max, wait, visibility);
        }

        @Override
        public void delete(List<Message> messages) {
            meter.add(calls(messages.size()), 0, 0);
            super.delete(messages);
        }

        @Override
        public void changeVisibility(List<Message> messages, Duration visibility) {
            meter.add(calls(messages.size()), 0, 0);
            super.changeVisibility(messages, visibility);
        }

        @Override
        public QueueDepth depth() {
            meter.add(1, 0, 0);
            return super.depth();
        }
    }

    static final class Claims implements ClaimStore {
        private final ClaimStore inner;
        private final Meter meter;

        Claims(ClaimStore inner, Meter meter) {
            this.inner = inner;
            this.meter = meter;
        }

        @Override
        public ClaimOutcome claim(String bundleId, String owner, Instant now, Duration lease) {
            meter.add(0, 1, 0);
            return inner.claim(bundleId, owner, now, lease);
        }

        @Override
        public boolean renew(String bundleId, String owner, Instant now, Duration lease, Set<Long> reported) {
            meter.add(0, 1, 0);
            return inner.renew(bundleId, owner, now, lease, reported);
        }

        @Override
        public boolean complete(String bundleId, String owner, Instant now) {
            meter.add(0, 1, 0);
            return inner.complete(bundleId, owner, now);
        }

        @Override
        public void release(String bundleId, String owner, Instant now, Set<Long> reported) {
            meter.add(0, 1, 0);
            inner.release(bundleId, owner, now, reported);
        }

        @Override
        public void cancelJob(String jobId, Instant now) {
            meter.add(0, 1, 0);
            inner.cancelJob(jobId, now);
        }

        @Override
        public boolean isCancelled(String jobId) {
            meter.add(0, 0, 1);
            return inner.isCancelled(jobId);
        }
    }
}
