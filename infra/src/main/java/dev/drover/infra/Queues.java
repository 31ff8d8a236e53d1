package dev.drover.infra;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.sqs.DeadLetterQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/** The request queue (scheduler to workers) and response queue (workers to scheduler), each with a dead-letter queue. */
public final class Queues extends Construct {
    /**
     * A running bundle's worker extends its visibility every 10 s by 30 s (the heartbeat), so a live
     * bundle never reappears. 60 s is what an unextended receive gets: well above the 10 s to the first
     * beat, and short enough that the bundle of a worker that died comes back within a minute.
     */
    public static final Duration REQUEST_VISIBILITY_TIMEOUT = Duration.seconds(60);
    /** A bundle that killed five workers is poison: park it so the scheduler can report its tasks FAILED. */
    public static final int MAX_RECEIVE_COUNT = 5;
    /** Long polling by default: fewer empty receives, so an idle fleet makes fewer (billed) requests. */
    public static final Duration RECEIVE_WAIT = Duration.seconds(20);
    /** The longest SQS keeps a message: time for someone to look at what was dead-lettered. */
    public static final Duration DEAD_LETTER_RETENTION = Duration.days(14);

    public final Queue requests;
    public final Queue requestDeadLetters;
    public final Queue responses;
    public final Queue responseDeadLetters;

    public Queues(Construct scope, String id) {
        super(scope, id);
        requestDeadLetters = deadLetterQueue("RequestDeadLetters");
        requests = Queue.Builder.create(this, "Requests")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .visibilityTimeout(REQUEST_VISIBILITY_TIMEOUT)
                .receiveMessageWaitTime(RECEIVE_WAIT)
                .deadLetterQueue(redriveTo(requestDeadLetters))
                .build();
        responseDeadLetters = deadLetterQueue("ResponseDeadLetters");
        responses = Queue.Builder.create(this, "Responses")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .receiveMessageWaitTime(RECEIVE_WAIT)
                .deadLetterQueue(redriveTo(responseDeadLetters))
                .build();
    }

    // SQS-managed keys: encrypted at rest with no KMS key to pay for while idle.
    private Queue deadLetterQueue(String id) {
        return Queue.Builder.create(this, id)
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(DEAD_LETTER_RETENTION)
                .build();
    }

    private static DeadLetterQueue redriveTo(Queue queue) {
        return DeadLetterQueue.builder().queue(queue).maxReceiveCount(MAX_RECEIVE_COUNT).build();
    }
}
