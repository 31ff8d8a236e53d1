package dev.drover.localaws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.aws.AwsClients;
import dev.drover.aws.AwsSettings;
import dev.drover.aws.CallMeter;
import dev.drover.aws.DroverResources;
import dev.drover.aws.UsageAccumulator;
import dev.drover.core.EnvironmentVariables;
import dev.drover.core.Usage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/** Drives the real emulators with the real SDK: what Drover's adapters rely on must hold here. */
class LocalAwsTest {
    private static LocalAws localAws;
    private static AwsClients clients;
    private static LocalAwsEndpoints endpoints;

    @BeforeAll
    static void start() {
        Instant started = Instant.now();
        localAws = LocalAws.start(LocalAwsOptions.defaults(LocalAws.defaultEmulatorsDir()));
        System.out.println("LocalAws started in " + Duration.between(started, Instant.now()).toMillis() + " ms");
        endpoints = localAws.endpoints();
        clients = new AwsClients(endpoints.awsSettings());
    }

    @AfterAll
    static void stop() {
        if (clients != null) {
            clients.close();
        }
        if (localAws != null) {
            localAws.close();
        }
    }

    /** A non-loopback address of this machine, if it has one. */
    static java.util.Optional<java.net.InetAddress> externalAddress() throws java.io.IOException {
        return java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces()).stream()
                .flatMap(i -> java.util.Collections.list(i.getInetAddresses()).stream())
                .filter(a -> a instanceof java.net.Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress())
                .findFirst();
    }

    static boolean accepts(java.net.InetAddress address, int port) {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress(address, port), 1000);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Test
    void everyEmulatorListensOnLoopbackOnly() throws Exception {
        java.util.Optional<java.net.InetAddress> external = externalAddress();
        org.junit.jupiter.api.Assumptions.assumeTrue(external.isPresent(), "this machine has no non-loopback address");
        for (java.net.URI endpoint : List.of(endpoints.sqs(), endpoints.dynamoDb(), endpoints.s3())) {
            assertTrue(accepts(java.net.InetAddress.getLoopbackAddress(), endpoint.getPort()), endpoint + " on loopback");
            assertFalse(accepts(external.get(), endpoint.getPort()),
                    endpoint.getPort() + " must not be reachable on " + external.get() + ": anyone on the network could use it");
        }
    }

    @Test
    void sqsMovesMessagesInBatchesOfTenOverTheJsonProtocol() {
        SqsClient sqs = clients.sqs();
        String queue = endpoints.responseQueueUrl();
        List<String> bodies = IntStream.range(0, 10).mapToObj(i -> "batch-" + i + "-" + UUID.randomUUID()).toList();

        SendMessageBatchResponse sent = sqs.sendMessageBatch(r -> r.queueUrl(queue).entries(IntStream.range(0, 10)
                .mapToObj(i -> SendMessageBatchRequestEntry.builder().id("m" + i).messageBody(bodies.get(i)).build())
                .toList()));
        assertEquals(10, sent.successful().size());
        assertTrue(sent.failed().isEmpty());

        List<Message> received = receiveAtLeast(sqs, queue, 10);
        assertEquals(Set.copyOf(bodies), received.stream().map(Message::body).collect(Collectors.toSet()));

        DeleteMessageBatchResponse deleted = sqs.deleteMessageBatch(r -> r.queueUrl(queue).entries(
                IntStream.range(0, received.size()).mapToObj(i -> DeleteMessageBatchRequestEntry.builder()
                        .id("d" + i).receiptHandle(received.get(i).receiptHandle()).build()).toList()));
        assertEquals(10, deleted.successful().size());
        assertTrue(deleted.failed().isEmpty());
        Map<QueueAttributeName, String> counts = sqs.getQueueAttributes(r -> r.queueUrl(queue).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        assertEquals("0", counts.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
        assertEquals("0", counts.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));

        // sqs 2.54.x speaks only the JSON protocol to SQS: check that is what went over the wire.
        AtomicReference<String> contentType = new AtomicReference<>();
        try (SqsClient probe = SqsClient.builder()
                .region(Region.of(endpoints.region()))
                .endpointOverride(endpoints.sqs())
                .credentialsProvider(AnonymousCredentialsProvider.create())
                .overrideConfiguration(o -> o.addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                        contentType.set(context.httpRequest().firstMatchingHeader("Content-Type").orElse(""));
                    }
                }))
                .build()) {
            assertTrue(probe.listQueues().queueUrls().contains(queue));
        }
        assertEquals("application/x-amz-json-1.0", contentType.get());
    }

    @Test
    void requestMessageGoesToTheDeadLetterQueueAfterMaxReceiveCountReceives() {
        SqsClient sqs = clients.sqs();
        String body = "poison-" + UUID.randomUUID();
        sqs.sendMessage(r -> r.queueUrl(endpoints.requestQueueUrl()).messageBody(body));

        int deliveries = 0;
        for (int receive = 0; receive < 2 * LocalAwsOptions.DEFAULT_MAX_RECEIVE_COUNT; receive++) {
            // Visibility 0: the message is visible again at once, as if its worker had died.
            List<Message> got = sqs.receiveMessage(r -> r.queueUrl(endpoints.requestQueueUrl())
                    .maxNumberOfMessages(10).visibilityTimeout(0).waitTimeSeconds(0)).messages();
            deliveries += (int) got.stream().filter(m -> m.body().equals(body)).count();
        }
        assertEquals(LocalAwsOptions.DEFAULT_MAX_RECEIVE_COUNT, deliveries);

        List<Message> dead = receiveAtLeast(sqs, endpoints.deadLetterQueueUrl(), 1);
        assertEquals(List.of(body), dead.stream().map(Message::body).toList());
        sqs.deleteMessage(r -> r.queueUrl(endpoints.deadLetterQueueUrl()).receiptHandle(dead.get(0).receiptHandle()));
    }

    @Test
    void conditionalPutSucceedsOnceThenFailsTheCondition() {
        DynamoDbClient dynamoDb = clients.dynamoDb();
        Map<String, AttributeValue> item = Map.of(
                "bundleId", AttributeValue.fromS("bundle-" + UUID.randomUUID()),
                "expiresAt", AttributeValue.fromN(String.valueOf(Instant.now().plusSeconds(60).getEpochSecond())));

        dynamoDb.putItem(r -> r.tableName(endpoints.claimsTable()).item(item)
                .conditionExpression("attribute_not_exists(bundleId)"));
        assertThrows(ConditionalCheckFailedException.class, () -> dynamoDb.putItem(r -> r
                .tableName(endpoints.claimsTable()).item(item).conditionExpression("attribute_not_exists(bundleId)")));
    }

    @Test
    void s3StoresAndReturnsOneMegabyte() {
        S3Client s3 = clients.s3();
        byte[] data = new byte[1024 * 1024];
        new Random(42).nextBytes(data);
        String key = "inputs/" + UUID.randomUUID();

        s3.putObject(r -> r.bucket(endpoints.bucket()).key(key), RequestBody.fromBytes(data));
        assertArrayEquals(data, s3.getObjectAsBytes(r -> r.bucket(endpoints.bucket()).key(key)).asByteArray());
    }

    @Test
    void callMeterCountsEveryRequestAndAttributesThoseOfTheCallingThread() throws Exception {
        SqsClient sqs = clients.sqs();
        DynamoDbClient dynamoDb = clients.dynamoDb();
        S3Client s3 = clients.s3();
        UsageAccumulator accumulator = new UsageAccumulator();
        Usage before = CallMeter.total();

        Thread otherThread = CallMeter.attributeTo(accumulator, () -> {
            sqs.sendMessage(r -> r.queueUrl(endpoints.responseQueueUrl()).messageBody("metered"));
            Message got = sqs.receiveMessage(r -> r.queueUrl(endpoints.responseQueueUrl()).waitTimeSeconds(5))
                    .messages().get(0);
            sqs.deleteMessage(r -> r.queueUrl(endpoints.responseQueueUrl()).receiptHandle(got.receiptHandle()));
            Map<String, AttributeValue> key = Map.of("pk", AttributeValue.fromS("job-" + UUID.randomUUID()),
                    "sk", AttributeValue.fromS("meta"));
            dynamoDb.putItem(r -> r.tableName(endpoints.jobsTable()).item(key));
            dynamoDb.updateItem(r -> r.tableName(endpoints.jobsTable()).key(key)
                    .updateExpression("SET #s = :s").expressionAttributeNames(Map.of("#s", "state"))
                    .expressionAttributeValues(Map.of(":s", AttributeValue.fromS("RUNNING"))));
            dynamoDb.getItem(r -> r.tableName(endpoints.jobsTable()).key(key));
            s3.putObject(r -> r.bucket(endpoints.bucket()).key("metered"), RequestBody.fromString("x"));
            s3.getObjectAsBytes(r -> r.bucket(endpoints.bucket()).key("metered"));
            // A call the body hands to another thread is not the caller's: it counts in the total only.
            Thread thread = new Thread(() -> sqs.listQueues(), "metered-elsewhere");
            thread.start();
            return thread;
        });
        otherThread.join();
        dynamoDb.describeTable(r -> r.tableName(endpoints.jobsTable())); // outside: total only

        Usage attributed = new Usage(3, 2, 1, 2);
        assertEquals(attributed, accumulator.snapshot());
        assertEquals(attributed.plus(new Usage(1, 0, 1, 0)), CallMeter.total().minus(before));
    }

    @Test
    void dataDirectoryKeepsMessagesEvenAfterKill9ItemsAndObjectsAcrossARestartAndCloseLeavesNoChild(@TempDir Path data) {
        LocalAwsOptions options = LocalAwsOptions.defaults(LocalAws.defaultEmulatorsDir()).withDataDir(data);
        String body = "survivor-" + UUID.randomUUID();
        Map<String, AttributeValue> item = Map.of("pk", AttributeValue.fromS("job-1"),
                "sk", AttributeValue.fromS("meta"), "state", AttributeValue.fromS("QUEUED"));
        byte[] object = "kept on disk".getBytes();

        Set<ProcessHandle> firstChildren;
        Set<ProcessHandle> firstDescendants;
        Set<ProcessHandle> before = children();
        try (LocalAws first = LocalAws.start(options);
             AwsClients aws = new AwsClients(first.endpoints().awsSettings())) {
            firstChildren = new HashSet<>(children());
            firstChildren.removeAll(before);
            assertEquals(3, firstChildren.size(), "one child process per emulator");
            // dynoxide runs under its watch shell, so under a child: every process under a child must go
            firstDescendants = firstChildren.stream().flatMap(c -> Stream.concat(Stream.of(c), c.descendants()))
                    .collect(Collectors.toSet());
            assertTrue(firstDescendants.stream().anyMatch(p -> p.info().command().orElse("").endsWith("/dynoxide")),
                    "dynoxide among " + firstDescendants);
            aws.sqs().sendMessage(r -> r.queueUrl(first.endpoints().requestQueueUrl()).messageBody(body));
            aws.dynamoDb().putItem(r -> r.tableName(first.endpoints().jobsTable()).item(item));
            aws.s3().putObject(r -> r.bucket(first.endpoints().bucket()).key("kept"), RequestBody.fromBytes(object));
            // A crash right after the acknowledgement loses nothing (H2 writes each commit through).
            List<ProcessHandle> sqsEmulator = firstChildren.stream()
                    .filter(p -> p.info().commandLine().orElse("").contains("org.elasticmq.server.Main")).toList();
            assertEquals(1, sqsEmulator.size(), "the ElasticMQ child");
            sqsEmulator.forEach(ProcessHandle::destroyForcibly);
        }
        firstDescendants.forEach(p -> assertFalse(p.isAlive(), "still alive after close: " + p.pid() + " " + p.info()));

        try (LocalAws second = LocalAws.start(options);
             AwsClients aws = new AwsClients(second.endpoints().awsSettings())) {
            LocalAwsEndpoints restarted = second.endpoints();
            List<Message> got = receiveAtLeast(aws.sqs(), restarted.requestQueueUrl(), 1);
            assertEquals(List.of(body), got.stream().map(Message::body).toList());
            assertTrue(aws.sqs().getQueueAttributes(r -> r.queueUrl(restarted.requestQueueUrl())
                            .attributeNames(QueueAttributeName.REDRIVE_POLICY)).attributes()
                    .get(QueueAttributeName.REDRIVE_POLICY).contains("drover-requests-dlq"));
            assertEquals(item, aws.dynamoDb().getItem(r -> r.tableName(restarted.jobsTable())
                    .key(Map.of("pk", item.get("pk"), "sk", item.get("sk")))).item());
            assertArrayEquals(object, aws.s3().getObjectAsBytes(r -> r.bucket(restarted.bucket()).key("kept"))
                    .asByteArray());
        }
    }

    @Test
    void workerEnvironmentNamesEveryEndpointAndResource() {
        Map<String, String> env = endpoints.workerEnvironment();
        assertEquals(endpoints.requestQueueUrl(), env.get("DROVER_REQUEST_QUEUE_URL"));
        assertEquals(endpoints.responseQueueUrl(), env.get("DROVER_RESPONSE_QUEUE_URL"));
        assertEquals(endpoints.deadLetterQueueUrl(), env.get("DROVER_DEAD_LETTER_QUEUE_URL"));
        assertEquals("drover-claims", env.get("DROVER_CLAIMS_TABLE"));
        assertEquals("drover-jobs", env.get("DROVER_JOBS_TABLE"));
        assertEquals("drover", env.get("DROVER_BUCKET"));
        // A worker reading that environment reaches the same emulators (credentials then come
        // from the default chain, which reads AWS_ACCESS_KEY_ID in the worker's own process).
        AwsSettings worker = AwsSettings.fromEnvironment(env, Optional.empty());
        assertEquals(endpoints.region(), worker.region());
        assertEquals(Optional.of(endpoints.sqs()), worker.sqsEndpointOverride());
        assertEquals(Optional.of(endpoints.dynamoDb()), worker.dynamoDbEndpointOverride());
        assertEquals(Optional.of(endpoints.s3()), worker.s3EndpointOverride());
        assertEquals(AwsSettings.DUMMY_ACCESS_KEY_ID, env.get("AWS_ACCESS_KEY_ID"));
        // ...and reads back the same resource names, through names it knows.
        assertEquals(Optional.of(endpoints.resources()), DroverResources.fromEnvironment(env));
        assertTrue(EnvironmentVariables.READ_BY_WORKER.containsAll(env.keySet()), "unknown names in " + env.keySet());
    }

    /** Long-polls until at least {@code count} messages arrived (SQS may return fewer per call). */
    private static List<Message> receiveAtLeast(SqsClient sqs, String queueUrl, int count) {
        List<Message> messages = new ArrayList<>();
        Instant deadline = Instant.now().plusSeconds(10);
        while (messages.size() < count && Instant.now().isBefore(deadline)) {
            messages.addAll(sqs.receiveMessage(r -> r.queueUrl(queueUrl)
                    .maxNumberOfMessages(Math.min(10, count - messages.size())).waitTimeSeconds(1)).messages());
        }
        assertEquals(count, messages.size(), "messages received from " + queueUrl);
        return messages;
    }

    private static Set<ProcessHandle> children() {
        return ProcessHandle.current().children().collect(Collectors.toSet());
    }
}
