package dev.drover.scheduler.billing;

import java.util.Map;

/**
 * The fleet's cumulative figures: billed worker-seconds (each worker at least EC2's 60 s) and their
 * cost at the instance's hourly price. Zero for the in-JVM pool, which has no EC2 cost.
 */
public record FleetFigures(double billedWorkerSeconds, double costUsd) {
    public static final FleetFigures NONE = new FleetFigures(0, 0);

    /** From the provisioner's status ({@code billedWorkerSeconds}, {@code costUsd}); NONE without them. */
    public static FleetFigures of(Map<String, Object> status) {
        if (status == null || !(status.get("costUsd") instanceof Number cost)) {
            return NONE;
        }
        double seconds = status.get("billedWorkerSeconds") instanceof Number n ? n.doubleValue() : 0;
        return new FleetFigures(seconds, cost.doubleValue());
    }
}
