package dev.drover.cli;

import dev.drover.aws.AwsClients;
import dev.drover.aws.AwsSettings;
import dev.drover.aws.CloudWatchMetricSink;
import dev.drover.scheduler.Scheduler;
import dev.drover.scheduler.metrics.MetricsPusher;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * {@code drover scheduler --cloudwatch-namespace NS}: the figures of {@code GET /metrics} pushed to
 * CloudWatch once a minute, with the region and credentials of the environment (on EC2, the
 * instance's role, which may put metrics only under that namespace).
 */
final class CloudWatchExport implements AutoCloseable {
    private final AwsClients aws;
    private final MetricsPusher pusher;

    private CloudWatchExport(AwsClients aws, MetricsPusher pusher) {
        this.aws = aws;
        this.pusher = pusher;
    }

    /** Starts pushing; null (nothing to close) when no namespace is given. */
    static CloudWatchExport start(Scheduler scheduler, String namespace, Map<String, String> env, Duration step) {
        if (namespace == null) {
            return null;
        }
        AwsClients aws = new AwsClients(AwsSettings.fromEnvironment(env, Optional.empty()));
        CloudWatchMetricSink sink = new CloudWatchMetricSink(aws.cloudWatch(), namespace, Main.CLOCK);
        return new CloudWatchExport(aws, new MetricsPusher(scheduler.metrics().registry(), sink, step).start());
    }

    @Override
    public void close() {
        pusher.close();
        aws.close();
    }
}
