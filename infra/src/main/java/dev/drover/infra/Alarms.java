package dev.drover.infra;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.sqs.Queue;
import software.constructs.Construct;

/**
 * Alarms for the two ways work gets stuck: bundles dead-lettered (they killed their workers), and
 * requests nobody takes (no workers running, or too few).
 */
public final class Alarms extends Construct {
    public static final Duration PERIOD = Duration.minutes(5);
    /** Older than this and the fleet is not keeping up (or not there): someone should look. */
    public static final Duration MAX_REQUEST_AGE = Duration.minutes(30);

    public final Alarm requestDeadLetters;
    public final Alarm responseDeadLetters;
    public final Alarm oldestRequest;

    public Alarms(Construct scope, String id, Queues queues) {
        super(scope, id);
        requestDeadLetters = deadLetterAlarm("RequestDeadLettersAlarm", queues.requestDeadLetters,
                "Request bundles were dead-lettered after killing their workers");
        responseDeadLetters = deadLetterAlarm("ResponseDeadLettersAlarm", queues.responseDeadLetters,
                "Responses were dead-lettered: the scheduler failed to store them");
        oldestRequest = Alarm.Builder.create(this, "OldestRequestAlarm")
                .alarmDescription("The oldest request has waited " + MAX_REQUEST_AGE.toMinutes() + " minutes")
                .metric(queues.requests.metricApproximateAgeOfOldestMessage(maximum()))
                .threshold(MAX_REQUEST_AGE.toSeconds())
                .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                .evaluationPeriods(1)
                // SQS stops reporting metrics for a queue idle for hours: quiet means fine.
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build();
    }

    private Alarm deadLetterAlarm(String id, Queue queue, String description) {
        return Alarm.Builder.create(this, id)
                .alarmDescription(description)
                .metric(queue.metricApproximateNumberOfMessagesVisible(maximum()))
                .threshold(1)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                .evaluationPeriods(1)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build();
    }

    private static MetricOptions maximum() {
        return MetricOptions.builder().statistic("Maximum").period(PERIOD).build();
    }
}
