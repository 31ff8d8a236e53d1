package dev.drover.core.port;

import java.util.Map;

/**
 * One figure to push to a metrics service: a metric's name, its dimensions (Micrometer's tags) and
 * its value over the last step (a gauge's reading, a counter's increase, a timer's count, mean or max).
 */
public record MetricPoint(String name, Map<String, String> dimensions, double value, Unit unit) {
    public MetricPoint {
        dimensions = Map.copyOf(dimensions);
    }

    /** The units the pushed figures come in. */
    public enum Unit { COUNT, MILLISECONDS, SECONDS, NONE }
}
