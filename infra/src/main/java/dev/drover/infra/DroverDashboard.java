package dev.drover.infra;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.SingleValueWidget;
import software.constructs.Construct;

/**
 * A CloudWatch dashboard of what the scheduler pushes (the figures of its {@code /metrics}, under
 * {@value #NAMESPACE}): tasks by status, the queue, the fleet, latency and cost; beside SQS's own
 * view of the request queue.
 */
public final class DroverDashboard extends Construct {
    /** The namespace the scheduler host pushes under, and the only one its role may write. */
    public static final String NAMESPACE = "Drover";
    /** The scheduler pushes once a minute. */
    public static final Duration PERIOD = Duration.minutes(1);
    static final List<String> TASK_STATUSES = List.of("QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "CANCELLED");
    static final List<String> FLEET_STATES = List.of("desired", "live", "booting", "running");

    public final Dashboard dashboard;

    public DroverDashboard(Construct scope, String id, Queues queues) {
        super(scope, id);
        dashboard = Dashboard.Builder.create(this, "Dashboard")
                .dashboardName(Stack.of(this).getStackName())
                .build();
        dashboard.addWidgets(
                graph("Tasks by status", TASK_STATUSES.stream().map(s -> drover("drover.tasks", "status", s, "Maximum")).toList()),
                graph("Request queue: bundles", List.of(
                        drover("drover.queue.messages", "state", "visible", "Maximum"),
                        drover("drover.queue.messages", "state", "in_flight", "Maximum"),
                        queues.requests.metricApproximateNumberOfMessagesVisible(sqs("SQS: visible")),
                        queues.requests.metricApproximateNumberOfMessagesNotVisible(sqs("SQS: in flight")))));
        dashboard.addWidgets(
                graph("Fleet: workers", FLEET_STATES.stream().map(s -> drover("drover.fleet.workers", "state", s, "Maximum")).toList()),
                graph("Task latency (ms)", List.of(
                        drover("drover.task.latency.avg", null, null, "Average"),
                        drover("drover.task.latency.max", null, null, "Maximum"),
                        drover("drover.dispatch.latency.avg", null, null, "Average"),
                        drover("drover.collection.latency.avg", null, null, "Average"))));
        dashboard.addWidgets(
                SingleValueWidget.Builder.create().title("Fleet cost so far (USD)").width(12)
                        .metrics(List.of(drover("drover.fleet.cost", null, null, "Maximum"))).build(),
                graph("Tasks finished per minute", List.of(drover("drover.task.latency.count", null, null, "Sum"))));
    }

    private static GraphWidget graph(String title, List<? extends IMetric> metrics) {
        return GraphWidget.Builder.create().title(title).width(12).height(6).left(List.copyOf(metrics)).build();
    }

    /** One of the scheduler's metrics; a null dimension: the metric has none. */
    static Metric drover(String name, String dimension, String value, String statistic) {
        Metric.Builder b = Metric.Builder.create().namespace(NAMESPACE).metricName(name).statistic(statistic).period(PERIOD)
                .label(value == null ? name : value);
        if (dimension != null) {
            b.dimensionsMap(Map.of(dimension, value));
        }
        return b.build();
    }

    private static MetricOptions sqs(String label) {
        return MetricOptions.builder().statistic("Maximum").period(PERIOD).label(label).build();
    }
}
