package dev.drover.aws;

import dev.drover.core.InfrastructureException;
import dev.drover.core.codec.Route;
import dev.drover.core.port.Message;
import dev.drover.core.port.MessageQueue;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.IntStream;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * An SQS queue: long polling, and every send, receive, delete and visibility change in batches of ten.
 * A body's {@link Route} header travels as the message attribute {@value #ROUTE}, so the body on the
 * queue is what a scheduler from before routes reads (it ignores attributes), and comes back in front
 * of the body on receipt.
 */
public final class SqsMessageQueue implements MessageQueue {
    /** SQS's classic limit; queues created by Drover keep it so every emulator agrees. */
    public static final int MAX_MESSAGE_BYTES = 256 * 1024;
    static final String ROUTE = "route";
    /** What SQS counts for the route attribute beyond its value: its name and its type ("String"). */
    private static final int ROUTE_OVERHEAD_BYTES = ROUTE.length() + "String".length();
    private static final String SERVICE = "SQS";

    private final SqsClient sqs;
    private final String queueUrl;

    public SqsMessageQueue(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    @Override
    public void send(List<String> bodies) {
        for (List<String> batch : sendBatches(bodies)) {
            List<SendMessageBatchRequestEntry> entries = IntStream.range(0, batch.size())
                    .mapToObj(i -> entry(Integer.toString(i), batch.get(i))).toList();
            var response = AwsErrors.call(SERVICE, () -> sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries)));
            failIfAny(response.failed(), "send");
        }
    }

    private static SendMessageBatchRequestEntry entry(String id, String body) {
        int header = Route.end(body);
        if (header == 0) {
            return SendMessageBatchRequestEntry.builder().id(id).messageBody(body).build();
        }
        return SendMessageBatchRequestEntry.builder().id(id).messageBody(body.substring(header))
                .messageAttributes(Map.of(ROUTE, MessageAttributeValue.builder().dataType("String")
                        .stringValue(body.substring(0, header)).build())).build();
    }

    @Override
    public List<Message> receive(int max, Duration wait, Duration visibility) {
        // SQS waits in whole seconds; a sub-second wait would turn long polling into a busy loop
        int waitSeconds = wait.isZero() ? 0 : (int) Math.min(20, Math.max(1, seconds(wait)));
        var response = AwsErrors.call(SERVICE, () -> sqs.receiveMessage(b -> b.queueUrl(queueUrl)
                .maxNumberOfMessages(Math.max(1, Math.min(max, MAX_BATCH)))
                .waitTimeSeconds(waitSeconds)
                .visibilityTimeout((int) seconds(visibility))
                .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)
                .messageAttributeNames(ROUTE)));
        return response.messages().stream().map(m -> new Message(m.messageId(), m.receiptHandle(), routed(m),
                Integer.parseInt(m.attributes().getOrDefault(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "1"))))
                .toList();
    }

    private static String routed(software.amazon.awssdk.services.sqs.model.Message m) {
        MessageAttributeValue route = m.messageAttributes().get(ROUTE);
        String header = route == null ? null : route.stringValue();
        return header == null || Route.end(header) != header.length() ? m.body() : header + m.body();
    }

    @Override
    public void delete(List<Message> messages) {
        for (List<Message> batch : batches(messages)) {
            List<DeleteMessageBatchRequestEntry> entries = IntStream.range(0, batch.size())
                    .mapToObj(i -> DeleteMessageBatchRequestEntry.builder().id(Integer.toString(i))
                            .receiptHandle(batch.get(i).receipt()).build()).toList();
            var response = AwsErrors.call(SERVICE, () -> sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(entries)));
            failIfAny(response.failed(), "delete");
        }
    }

    @Override
    public void changeVisibility(List<Message> messages, Duration visibility) {
        int secs = (int) seconds(visibility);
        for (List<Message> batch : batches(messages)) {
            List<ChangeMessageVisibilityBatchRequestEntry> entries = IntStream.range(0, batch.size())
                    .mapToObj(i -> ChangeMessageVisibilityBatchRequestEntry.builder().id(Integer.toString(i))
                            .receiptHandle(batch.get(i).receipt()).visibilityTimeout(secs).build()).toList();
            // a message deleted meanwhile fails its entry; that is no error for a heartbeat
            AwsErrors.call(SERVICE, () -> sqs.changeMessageVisibilityBatch(b -> b.queueUrl(queueUrl).entries(entries)));
        }
    }

    @Override
    public QueueDepth depth() {
        Map<QueueAttributeName, String> a = AwsErrors.call(SERVICE, () -> sqs.getQueueAttributes(b -> b.queueUrl(queueUrl)
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))).attributes();
        Function<QueueAttributeName, Long> n = k -> Long.parseLong(a.getOrDefault(k, "0"));
        return new QueueDepth(n.apply(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES),
                n.apply(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    /** A routed body's header counts as its size here, and SQS counts the route attribute's name and type too. */
    @Override
    public int maxMessageBytes() {
        return MAX_MESSAGE_BYTES - ROUTE_OVERHEAD_BYTES;
    }

    private static long seconds(Duration d) {
        return (d.toMillis() + 999) / 1000;
    }

    /**
     * Up to ten bodies a call and, as SQS also limits a batch's total payload to the size of one
     * message, no more than {@link #MAX_MESSAGE_BYTES} together.
     */
    static List<List<String>> sendBatches(List<String> bodies) {
        List<List<String>> out = new ArrayList<>();
        List<String> batch = new ArrayList<>();
        long bytes = 0;
        for (String body : bodies) {
            long size = body.getBytes(StandardCharsets.UTF_8).length + (Route.end(body) > 0 ? ROUTE_OVERHEAD_BYTES : 0);
            if (!batch.isEmpty() && (batch.size() == MAX_BATCH || bytes + size > MAX_MESSAGE_BYTES)) {
                out.add(batch);
                batch = new ArrayList<>();
                bytes = 0;
            }
            batch.add(body);
            bytes += size;
        }
        if (!batch.isEmpty()) {
            out.add(batch);
        }
        return out;
    }

    private static <T> List<List<T>> batches(List<T> items) {
        List<List<T>> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i += MAX_BATCH) {
            out.add(items.subList(i, Math.min(items.size(), i + MAX_BATCH)));
        }
        return out;
    }

    private static void failIfAny(List<BatchResultErrorEntry> failed, String what) {
        if (!failed.isEmpty()) {
            BatchResultErrorEntry e = failed.get(0);
            throw new InfrastructureException(SERVICE, e.code(), null, Boolean.TRUE.equals(e.senderFault())
                    ? InfrastructureException.Kind.PERMANENT : InfrastructureException.Kind.TRANSIENT,
                    failed.size() + " " + what + " entries failed: " + e.message(), null);
        }
    }
}
