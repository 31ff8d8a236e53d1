package dev.drover.aws;

import dev.drover.core.port.MetricPoint;
import dev.drover.core.port.MetricSink;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;

/** Sends the scheduler's figures to CloudWatch with PutMetricData, under one namespace. */
public final class CloudWatchMetricSink implements MetricSink {
    /** Datums per PutMetricData call: CloudWatch takes up to 1,000 (and 1 MB); a step has a few dozen. */
    public static final int MAX_PER_CALL = 500;

    private final CloudWatchClient cloudWatch;
    private final String namespace;
    private final Clock clock;

    public CloudWatchMetricSink(CloudWatchClient cloudWatch, String namespace, Clock clock) {
        this.cloudWatch = cloudWatch;
        this.namespace = namespace;
        this.clock = clock;
    }

    @Override
    public void put(List<MetricPoint> points) {
        Instant now = clock.instant();
        List<MetricDatum> batch = new ArrayList<>();
        for (MetricPoint p : points) {
            batch.add(MetricDatum.builder().metricName(p.name()).value(p.value()).unit(unit(p.unit())).timestamp(now)
                    .dimensions(p.dimensions().entrySet().stream()
                            .map(e -> Dimension.builder().name(e.getKey()).value(e.getValue()).build()).toList())
                    .build());
            if (batch.size() == MAX_PER_CALL) {
                send(batch);
            }
        }
        if (!batch.isEmpty()) {
            send(batch);
        }
    }

    private void send(List<MetricDatum> batch) {
        try {
            AwsErrors.call("CloudWatch", () -> cloudWatch.putMetricData(r -> r.namespace(namespace).metricData(batch)));
        } finally {
            batch.clear();
        }
    }

    private static StandardUnit unit(MetricPoint.Unit unit) {
        return switch (unit) {
            case COUNT -> StandardUnit.COUNT;
            case MILLISECONDS -> StandardUnit.MILLISECONDS;
            case SECONDS -> StandardUnit.SECONDS;
            case NONE -> StandardUnit.NONE;
        };
    }
}
