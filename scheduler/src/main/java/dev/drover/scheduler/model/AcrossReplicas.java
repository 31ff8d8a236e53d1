package dev.drover.scheduler.model;

import dev.drover.core.port.ReplicaStore;
import java.util.Optional;

/**
 * What the other scheduler replicas hold, so that per-user quotas, monthly budgets, fair share and the
 * fleet's cost hold across replicas, not per replica. Read from their heartbeats: at most one heartbeat
 * old. A scheduler alone has {@link #NONE}: nothing elsewhere, the whole quota here, and the fleet's
 * cost as its provisioner reports it.
 */
public interface AcrossReplicas {
    /** One user's standing at the other live replicas, summed. */
    record Elsewhere(long running, long queued, double workMillis, double monthUsd) {
        public static final Elsewhere NONE = new Elsewhere(0, 0, 0, 0);
    }

    AcrossReplicas NONE = new AcrossReplicas() {
        @Override
        public Elsewhere elsewhere(String user) {
            return Elsewhere.NONE;
        }

        @Override
        public long runningCap(String user, long quota) {
            return quota;
        }

        @Override
        public Optional<ReplicaStore.Ec2Share> ec2() {
            return Optional.empty();
        }

        @Override
        public Optional<String> liveOwner(String jobId) {
            return Optional.empty();
        }
    };

    /** The user's tasks and spend at the other live replicas, as of their last beats. */
    Elsewhere elsewhere(String user);

    /** How many of the user's tasks this replica may have on the queue or running now: its part of {@code quota}. */
    long runningCap(String user, long quota);

    /**
     * The fleet's EC2 cost the fleet's leader has given this replica so far (cumulative): billing shares it
     * among this replica's jobs, so the fleet is counted once over all replicas. Empty alone.
     */
    Optional<ReplicaStore.Ec2Share> ec2();

    /**
     * The address of the other live replica that owns the job (as the job store said at most a second ago);
     * empty if this one owns it, or nobody live does: a collector that receives its results hands them to
     * that replica instead of hiding them.
     */
    Optional<String> liveOwner(String jobId);
}
