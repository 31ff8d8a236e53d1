package dev.drover.core.port;

import java.util.List;

/** Where the scheduler's metrics pusher sends each step's figures: CloudWatch on EC2 (the aws module's adapter). */
public interface MetricSink {
    /** Sends one step's figures; may throw, and the pusher tries again with the next step's. */
    void put(List<MetricPoint> points);
}
