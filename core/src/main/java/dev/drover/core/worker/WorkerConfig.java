package dev.drover.core.worker;

import java.time.Duration;

/**
 * How a worker behaves; read once in {@code main}. The {@code DEFAULT_*} values are the one home
 * of each default; {@link #inJvm} holds the in-JVM pool's own.
 *
 * @param lease        claim lease and message visibility; renewed every {@code heartbeat}
 * @param pollWait     long-poll wait of one receive
 * @param idleTimeout  exit after this long with nothing to do; zero means never
 * @param resultBytes  flush a result message at this size
 * @param resultLinger or when the oldest unpublished result is this old
 * @param fetchAhead   expected task time a worker fetches beyond its free threads, to hide its round
 *                     trips to the queue and the claim store (short tasks only): about those round trips
 * @param drainTimeout how long a graceful stop waits for running tasks before it kills them and hands them back
 * @param cancelCheck  how often the held jobs' cancellation flags are read
 * @param clockSkew    how far apart two workers' clocks may be: a lease counts as lapsed only this
 *                     long after the claimer's clock says so
 * @param holdWhileInFlight no idle exit while the request queue has work in flight, which this worker
 *                     could take should its holder die (a fixed fleet keeps its size until its work is done)
 */
public record WorkerConfig(String workerId, int threads, Duration lease, Duration heartbeat, Duration pollWait,
                           Duration idleTimeout, int resultBytes, Duration resultLinger,
                           Duration fetchAhead, Duration drainTimeout, Duration cancelCheck,
                           Duration clockSkew, boolean holdWhileInFlight) {
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_POLL_WAIT = Duration.ofSeconds(5);
    /**
     * Each result message costs the scheduler a receive's share, a delete's and a job-store write, whatever it
     * holds: a worker of short tasks fills 200 KiB in about 150 ms, and those per-message calls were half its
     * collectors' CPU. A 1 MiB batch of results compresses to a tenth or less (under SQS's 256 KiB); one that
     * does not (binary outputs) goes through S3 as any large body does.
     */
    public static final int DEFAULT_RESULT_BYTES = 1024 * 1024;
    /**
     * Each result message costs a send, a receive, a delete and a job-store write, so short tasks
     * share one; a worker whose tasks have all ended publishes at once anyway.
     */
    public static final String DEFAULT_RESULT_LINGER_TEXT = "250ms";
    public static final Duration DEFAULT_RESULT_LINGER = Duration.ofMillis(250);
    public static final Duration DEFAULT_FETCH_AHEAD = Duration.ofMillis(100);
    /** Under systemd's default 90 s stop timeout, with room for the hand-back. */
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_CANCEL_CHECK = Duration.ofSeconds(1);
    /** EC2 instances keep time through the Amazon Time Sync Service, well within a second of each other. */
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(1);

    /**
     * In-JVM queues answer at once: short polls keep shutdown quick, fetching ahead only pays for
     * tasks under a millisecond, and a message costs only a JSON round trip.
     */
    public static final Duration IN_JVM_POLL_WAIT = Duration.ofMillis(200);
    public static final Duration IN_JVM_FETCH_AHEAD = Duration.ofMillis(1);
    public static final Duration IN_JVM_RESULT_LINGER = Duration.ofMillis(100);

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
                idleTimeout, DEFAULT_RESULT_BYTES, DEFAULT_RESULT_LINGER, DEFAULT_FETCH_AHEAD, DEFAULT_DRAIN_TIMEOUT,
                DEFAULT_CANCEL_CHECK, DEFAULT_CLOCK_SKEW, false);
    }

    /** A worker of the in-JVM pool: never idles out, polls briefly, fetches ahead only for sub-millisecond tasks. */
    public static WorkerConfig inJvm(String workerId, int threads) {
        return defaults(workerId, threads, Duration.ZERO).withPollWait(IN_JVM_POLL_WAIT)
                .withFetchAhead(IN_JVM_FETCH_AHEAD).withResultLinger(IN_JVM_RESULT_LINGER);
    }

    public WorkerConfig withLease(Duration lease, Duration heartbeat) {
        return new WorkerConfig(workerId, threads, lease, heartbeat, pollWait, idleTimeout, resultBytes, resultLinger,
                fetchAhead, drainTimeout, cancelCheck, clockSkew, holdWhileInFlight);
    }

    public WorkerConfig withResultLinger(Duration linger) {
        return new WorkerConfig(workerId, threads, lease, heartbeat, pollWait, idleTimeout, resultBytes, linger,
                fetchAhead, drainTimeout, cancelCheck, clockSkew, holdWhileInFlight);
    }

    public WorkerConfig withPollWait(Duration wait) {
        return new WorkerConfig(workerId, threads, lease, heartbeat, wait, idleTimeout, resultBytes, resultLinger,
                fetchAhead, drainTimeout, cancelCheck, clockSkew, holdWhileInFlight);
    }

    public WorkerConfig withFetchAhead(Duration ahead) {
        return new WorkerConfig(workerId, threads, lease, heartbeat, pollWait, idleTimeout, resultBytes, resultLinger,
                ahead, drainTimeout, cancelCheck, clockSkew, holdWhileInFlight);
    }

    public WorkerConfig withDrainTimeout(Duration timeout) {
        return new WorkerConfig(workerId, threads, lease, heartbeat, pollWait, idleTimeout, resultBytes, resultLinger,
                fetchAhead, timeout, cancelCheck, clockSkew, holdWhileInFlight);
    }

    public WorkerConfig withHoldWhileInFlight(boolean hold) {
        return new WorkerConfig(workerId, threads, lease, heartbeat, pollWait, idleTimeout, resultBytes, resultLinger,
                fetchAhead, drainTimeout, cancelCheck, clockSkew, hold);
    }
}
