package dev.drover.core.worker;

import java.time.Duration;

/**
 * How a worker behaves; read once in {@code main}.
 *
 * @param lease        claim lease and message visibility; renewed every {@code heartbeat}
 * @param pollWait     long-poll wait of one receive
 * @param idleTimeout  exit after this long with nothing to do; zero means never
 * @param resultBytes  flush a result message at this size
 * @param resultLinger or when the oldest unpublished result is this old
 * @param fetchAhead   expected task time a worker fetches beyond its free threads, to hide its round
 *                     trips to the queue and the claim store (short tasks only): about those round trips
 */
public record WorkerConfig(String workerId, int threads, Duration lease, Duration heartbeat, Duration pollWait,
                           Duration idleTimeout, int resultBytes, Duration resultLinger,
                           Duration fetchAhead) {
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_POLL_WAIT = Duration.ofSeconds(5);
    public static final int DEFAULT_RESULT_BYTES = 200 * 1024;
    public static final Duration DEFAULT_RESULT_LINGER = Duration.ofMillis(20);
    public static final Duration DEFAULT_FETCH_AHEAD = Duration.ofMillis(100);

    public WorkerConfig {
        if (threads < 1) {
            throw new IllegalArgumentException("a worker needs at least 1 thread");
        }
        if (!idleTimeout.isZero() && pollWait.compareTo(idleTimeout) > 0) {
            pollWait = idleTimeout;
        }
    }

    public static WorkerConfig defaults(String workerId, int threads, Duration idleTimeout) {
        return new WorkerConfig(workerId, threads, DEFAULT_LEASE, DEFAULT_HEARTBEAT, DEFAULT_POLL_WAIT,
                idleTimeout, DEFAULT_RESULT_BYTES, DEFAULT_RESULT_LINGER, DEFAULT_FETCH_AHEAD);
    }

    public WorkerConfig withLease(Duration lease, Duration heartbeat) {
        return new WorkerConfig(workerId, threads, lease, heartbeat, pollWait, idleTimeout, resultBytes, resultLinger, fetchAhead);
    }

    public WorkerConfig withResultLinger(Duration linger) {
        return new WorkerConfig(workerId, threads, lease, heartbeat, pollWait, idleTimeout, resultBytes, linger, fetchAhead);
    }

    public WorkerConfig withPollWait(Duration wait) {
        return new WorkerConfig(workerId, threads, lease, heartbeat, wait, idleTimeout, resultBytes, resultLinger, fetchAhead);
    }

    public WorkerConfig withFetchAhead(Duration ahead) {
        return new WorkerConfig(workerId, threads, lease, heartbeat, pollWait, idleTimeout, resultBytes, resultLinger, ahead);
    }
}
