package dev.drover.aws;

import dev.drover.core.Usage;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.BatchExecuteStatementRequest;

/**
 * Counts billable AWS requests exactly, once per HTTP attempt: AWS bills every attempt,
 * retries included, so the count is taken in {@code beforeTransmission}, which the SDK calls
 * for each attempt (a PartiQL batch, once per statement in it). Every client built by {@link AwsClients} carries this interceptor.
 *
 * <p>Counts go to a process-wide total and, while {@link #attributeTo} runs on a thread, also to
 * that thread's accumulator. This works because synchronous SDK clients run interceptors on the
 * calling thread; calls that a body hands to other threads are not attributed.
 */
public final class CallMeter implements ExecutionInterceptor {
    private static final Set<String> DYNAMO_WRITES =
            Set.of("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems");
    private static final Usage SQS_REQUEST = new Usage(1, 0, 0, 0);
    private static final Usage DYNAMO_WRITE = new Usage(0, 1, 0, 0);
    private static final Usage DYNAMO_READ = new Usage(0, 0, 1, 0);
    private static final Usage S3_REQUEST = new Usage(0, 0, 0, 1);

    private static final UsageAccumulator TOTAL = new UsageAccumulator();
    private static final ThreadLocal<UsageAccumulator> ATTRIBUTED = new ThreadLocal<>();

    /** All metered requests made by this process so far. */
    public static Usage total() {
        return TOTAL.snapshot();
    }

    /**
     * Runs {@code body} and adds the requests it makes on this thread to {@code accumulator}
     * (as well as to the total). Nested calls attribute to the innermost accumulator only.
     */
    public static <T> T attributeTo(UsageAccumulator accumulator, Supplier<T> body) {
        UsageAccumulator previous = ATTRIBUTED.get();
        ATTRIBUTED.set(accumulator);
        try {
            return body.get();
        } finally {
            if (previous == null) {
                ATTRIBUTED.remove();
            } else {
                ATTRIBUTED.set(previous);
            }
        }
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        Usage usage = "BatchExecuteStatement".equals(operation) && context.request() instanceof BatchExecuteStatementRequest batch
                ? statements(batch) : classify(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME), operation);
        if (usage.isZero()) {
            return;
        }
        TOTAL.add(usage);
        UsageAccumulator accumulator = ATTRIBUTED.get();
        if (accumulator != null) {
            accumulator.add(usage);
        }
    }

    /** A PartiQL batch is billed statement by statement, each as the read or write it is. */
    static Usage statements(BatchExecuteStatementRequest batch) {
        long reads = batch.statements().stream().filter(st -> st.statement().stripLeading().regionMatches(true, 0, "SELECT", 0, 6))
                .count();
        return new Usage(0, batch.statements().size() - reads, reads, 0);
    }

    /** The bill of one attempt; other services (EC2) are not metered, so they count as zero. */
    static Usage classify(String serviceName, String operationName) {
        return switch (serviceName) {
            case "Sqs" -> SQS_REQUEST;
            case "DynamoDb" -> DYNAMO_WRITES.contains(operationName) ? DYNAMO_WRITE : DYNAMO_READ;
            case "S3" -> S3_REQUEST;
            default -> Usage.ZERO;
        };
    }
}
