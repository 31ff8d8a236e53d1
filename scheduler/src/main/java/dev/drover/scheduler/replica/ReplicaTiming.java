package dev.drover.scheduler.replica;

import java.time.Duration;

/**
 * How replicas judge each other. A replica beats every {@code heartbeat}; another judges it gone once
 * its beat count has not changed for {@code lease} on the observer's own clock (so no two clocks are
 * ever compared); the beating replica stops dispatching {@code margin} before that could happen,
 * counted from the start of its last successful beat: the margin covers a clock running slow against
 * the observer's and a pause (GC, a stalled call) between the check and the send. A send that slips
 * past it anyway is harmless: the cursor was saved, fenced, before it, and the job's next owner
 * re-sends the same bundles under the same ids, which the claim store runs once.
 */
public record ReplicaTiming(Duration heartbeat, Duration lease, Duration margin) {
    /**
     * On one machine: a dead replica's jobs are taken 5-6 s after its last beat (the lease, plus up to
     * one observer beat), well within 10 s; 3,600 heartbeat writes a replica-hour.
     */
    public static final ReplicaTiming LOCAL = new ReplicaTiming(Duration.ofSeconds(1), Duration.ofSeconds(5),
            Duration.ofMillis(1500));
    /**
     * Deployed, across Availability Zones: DynamoDB calls of a few ms at the median but seconds at a
     * retry's worst, so a lease of five beats survives four slow ones; takeover in 10-12 s (KCL's
     * default failover is 10 s, Armada's lease 15 s), 1,800 heartbeat writes a replica-hour
     * (about $0.0023 on demand at $1.25 a million writes).
     */
    public static final ReplicaTiming DEPLOYED = new ReplicaTiming(Duration.ofSeconds(2), Duration.ofSeconds(10),
            Duration.ofSeconds(3));

    public ReplicaTiming {
        if (heartbeat.isNegative() || heartbeat.isZero() || lease.compareTo(heartbeat.multipliedBy(2)) < 0
                || margin.isNegative() || margin.compareTo(lease.minus(heartbeat)) >= 0) {
            throw new IllegalArgumentException("replica timing: the lease must hold two heartbeats and the margin be less than"
                    + " the lease less a heartbeat: heartbeat " + heartbeat + ", lease " + lease + ", margin " + margin);
        }
    }

    /** Heartbeat writes one replica makes in an hour. */
    public long writesPerHour() {
        return Duration.ofHours(1).toMillis() / heartbeat.toMillis();
    }
}
