package dev.drover.core.port;

import java.util.List;

/** Starts workers (EC2 instances or local processes) and tells which are alive. Workers stop themselves. */
public interface FleetLauncher {
    /** Starts {@code count} workers; returns the ids of those started. */
    List<String> launch(int count);

    /** Every worker launched or found, alive or gone, with its lifetime so far. */
    List<Member> members();

    /**
     * @param launchedAt epoch millis
     * @param stoppedAt  epoch millis, or 0 while alive
     */
    record Member(String id, long launchedAt, long stoppedAt) {
        public boolean alive() {
            return stoppedAt == 0;
        }

        public long lifetimeMillis(long now) {
            return (alive() ? now : stoppedAt) - launchedAt;
        }
    }
}
