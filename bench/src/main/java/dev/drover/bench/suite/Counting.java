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
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
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

    /** Calls by queue and kind ("requests.receive", ...), summed over every meter that shares it. */
    static final class ByCall {
        private final Map<String, LongAdder> calls = new ConcurrentSkipListMap<>();

        void add(String key, int n) {
            calls.computeIfAbsent(key, k -> new LongAdder()).add(n);
        }

        Map<String, Long> snapshot() {
            Map<String, Long> copy = new TreeMap<>();
            calls.forEach((k, v) -> copy.put(k, v.sum()));
            return copy;
        }
    }

    static final class Queue extends ForwardingMessageQueue {
        private final Meter meter;
        private final ByCall byCall;
        private final String name;

        Queue(MessageQueue inner, Meter meter) {
            this(inner, meter, new ByCall(), "queue");
        }

        Queue(MessageQueue inner, Meter meter, ByCall byCall, String name) {
            super(inner);
            this.meter = meter;
            this.byCall = byCall;
            this.name = name;
        }

        private void count(String kind, int calls) {
            meter.add(calls, 0, 0);
            byCall.add(name + "." + kind, calls);
        }

        @Override
        public void send(List<String> bodies) {
            count("send", calls(bodies.size()));
            super.send(bodies);
        }

        @Override
        public List<Message> receive(int max, Duration wait, Duration visibility) {
            count("receive", 1);
            return super.receive(max, wait, visibility);
        }

        @Override
        public void delete(List<Message> messages) {
            count("delete", calls(messages.size()));
            super.delete(messages);
        }

        @Override
        public void changeVisibility(List<Message> messages, Duration visibility) {
            count("visibility", calls(messages.size()));
            super.changeVisibility(messages, visibility);
        }

        @Override
        public QueueDepth depth() {
            count("depth", 1);
            return super.depth();
        }
    }

    /** DynamoDB-like calls of a claim store, as the meter counts them and by kind ("worker.claims.claim", ...). */
    static final class Claims implements ClaimStore {
        private final ClaimStore inner;
        private final Meter meter;
        private final ByCall byCall;
        private final String name;

        Claims(ClaimStore inner, Meter meter) {
            this(inner, meter, new ByCall(), "claims");
        }

        Claims(ClaimStore inner, Meter meter, ByCall byCall, String name) {
            this.inner = inner;
            this.meter = meter;
            this.byCall = byCall;
            this.name = name;
        }

        private void write(String kind) {
            meter.add(0, 1, 0);
            byCall.add(name + "." + kind, 1);
        }

        @Override
        public ClaimOutcome claim(String bundleId, String owner, Instant now, Duration lease) {
            write("claim");
            return inner.claim(bundleId, owner, now, lease);
        }

        @Override
        public boolean renew(String bundleId, String owner, Instant now, Duration lease, Set<Long> reported) {
            write("renew");
            return inner.renew(bundleId, owner, now, lease, reported);
        }

        @Override
        public boolean complete(String bundleId, String owner, Instant now) {
            write("complete");
            return inner.complete(bundleId, owner, now);
        }

        @Override
        public void release(String bundleId, String owner, Instant now, Set<Long> reported) {
            write("release");
            inner.release(bundleId, owner, now, reported);
        }

        @Override
        public void cancelJob(String jobId, Instant now) {
            write("cancelJob");
            inner.cancelJob(jobId, now);
        }

        @Override
        public boolean isCancelled(String jobId) {
            meter.add(0, 0, 1);
            byCall.add(name + ".isCancelled", 1);
            return inner.isCancelled(jobId);
        }
    }
}
