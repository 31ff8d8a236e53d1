package dev.drover.localaws;

import dev.drover.core.exec.TaskEnvironment;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.aws.AwsClients;
import dev.drover.aws.AwsUsageMeter;
import dev.drover.aws.DynamoDbClaimStore;
import dev.drover.aws.DynamoDbJobStore;
import dev.drover.aws.DynamoDbSchema;
import dev.drover.aws.DynamoDbUserStore;
import dev.drover.aws.S3PayloadStore;
import dev.drover.aws.SqsMessageQueue;
import dev.drover.core.codec.Json;
import dev.drover.core.codec.Route;
import dev.drover.core.contract.ClaimStoreContract;
import dev.drover.core.contract.JobStoreContract;
import dev.drover.core.contract.MessageQueueContract;
import dev.drover.core.contract.PayloadStoreContract;
import dev.drover.core.contract.UserStoreContract;
import dev.drover.core.exec.Executors;
import dev.drover.core.model.Bundle;
import dev.drover.core.model.ResultBatch;
import dev.drover.core.model.Task;
import dev.drover.core.model.TaskResult;
import dev.drover.core.port.ClaimStore;
import dev.drover.core.port.JobStore;
import dev.drover.core.port.Message;
import dev.drover.core.port.MessageQueue;
import dev.drover.core.port.PayloadStore;
import dev.drover.core.port.UserStore;
import dev.drover.core.queue.CompressingMessageQueue;
import dev.drover.core.queue.ForwardingMessageQueue;
import dev.drover.core.queue.OffloadingMessageQueue;
import dev.drover.core.worker.Worker;
import dev.drover.core.worker.WorkerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Drover's SQS, DynamoDB and S3 adapters on the emulators: the same contracts as the in-memory adapters, and the protocol end to end. */
class AdaptersOnEmulatorsTest {
    static LocalAws localAws;
    static AwsClients aws;
    static LocalAwsEndpoints endpoints;

    @BeforeAll
    static void start() {
        localAws = LocalAws.start(LocalAwsOptions.defaults(LocalAws.defaultEmulatorsDir()));
        endpoints = localAws.endpoints();
        aws = new AwsClients(endpoints.awsSettings());
    }

    @AfterAll
    static void stop() {
        aws.close();
        localAws.close();
    }

    static String newQueue() {
        return aws.sqs().createQueue(b -> b.queueName("contract-" + UUID.randomUUID())).queueUrl();
    }

    @Nested
    class Queue extends MessageQueueContract {
        @Override
        protected MessageQueue newQueue() {
            return new SqsMessageQueue(aws.sqs(), AdaptersOnEmulatorsTest.newQueue());
        }
    }

    /**
     * The stack every cloud queue is used through (compression, then offloading to S3) on SQS and
     * S3, with checks that bodies really travel compressed or by reference on the wire.
     */
    @Nested
    class CloudStackQueue extends MessageQueueContract {
        private String url;

        @Override
        protected MessageQueue newQueue() {
            url = AdaptersOnEmulatorsTest.newQueue();
            return CompressingMessageQueue.overCloudQueue(new SqsMessageQueue(aws.sqs(), url),
                    new S3PayloadStore(aws.s3(), endpoints.bucket()));
        }

        private Message onTheWire() {
            MessageQueue bare = new SqsMessageQueue(aws.sqs(), url);
            for (int i = 0; i < 10; i++) {
                List<Message> got = bare.receive(1, Duration.ofSeconds(1), Duration.ZERO);
                if (!got.isEmpty()) {
                    return got.get(0);
                }
            }
            throw new AssertionError("nothing on the wire");
        }

        @Test
        void aCompressibleBodyTravelsCompressed() {
            MessageQueue q = newQueue();
            String bundle = bundleLikeJson(1500);
            q.send(List.of(bundle));
            Message wire = onTheWire();
            assertTrue(wire.body().startsWith("deflate:"), wire.body().substring(0, 40));
            assertTrue(wire.body().length() * 5 < bundle.length(), "compressed to " + wire.body().length());
        }

        @Test
        void anIncompressibleBodyOverTheLimitTravelsAsAnS3Reference() {
            MessageQueue q = newQueue();
            q.send(List.of(incompressible(SqsMessageQueue.MAX_MESSAGE_BYTES + 40_000, 5)));
            Message wire = onTheWire();
            String body = wire.body().startsWith("deflate:") ? null : wire.body();
            assertTrue(body != null && body.startsWith("{\"payloadRef\":\"" + PayloadStore.PAYLOADS_PREFIX),
                    "a reference into " + PayloadStore.PAYLOADS_PREFIX + ": " + wire.body().substring(0, 60));
        }

        @Test
        void aRouteTravelsAsAnAttributeReadableBeforeTheBodyIsRestoredAndOutOfTheWayOfOlderReaders() {
            MessageQueue q = newQueue();
            Route route = new Route(List.of("j-1", "j-2"), 42);
            List<String> bodies = List.of(route.header() + bundleLikeJson(1500),
                    route.header() + incompressible(SqsMessageQueue.MAX_MESSAGE_BYTES + 40_000, 5));
            q.send(bodies);
            var older = aws.sqs().receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)
                    .visibilityTimeout(0)).messages(); // what a scheduler from before routes receives
            assertTrue(!older.isEmpty() && older.stream().allMatch(m -> m.body().startsWith("deflate:")
                    || m.body().startsWith("{\"payloadRef\"")), "bodies as before, the route beside them");
            List<Message> raw = new ArrayList<>();
            for (int i = 0; i < 10 && raw.size() < 2; i++) {
                raw.addAll(q.receiveRaw(10, Duration.ofSeconds(1), Duration.ofSeconds(30)));
            }
            assertEquals(2, raw.size());
            raw.forEach(m -> assertEquals(java.util.Optional.of(route), Route.read(m.body())));
            assertEquals(bodies.stream().sorted().toList(), raw.stream().map(q::restore).map(Message::body).sorted().toList());
        }
    }

    @Nested
    class Payloads extends PayloadStoreContract {
        @Override
        protected PayloadStore store() {
            return new S3PayloadStore(aws.s3(), endpoints.bucket());
        }

        @Override
        protected boolean opensWithoutLoadingWhole() {
            return true;
        }
    }

    /** The same contract with files over 1 MiB uploaded in 5 MiB parts, so the large-file tests go multipart. */
    @Nested
    class MultipartPayloads extends PayloadStoreContract {
        @Override
        protected PayloadStore store() {
            return new S3PayloadStore(aws.s3(), endpoints.bucket(), 1 << 20, 5 << 20);
        }

        @Override
        protected boolean opensWithoutLoadingWhole() {
            return true;
        }
    }

    @Nested
    class Claims extends ClaimStoreContract {
        @Override
        protected ClaimStore store() {
            return new DynamoDbClaimStore(aws.dynamoDb(), endpoints.claimsTable());
        }
    }

    @Nested
    class Jobs extends JobStoreContract {
        @Override
        protected JobStore store() {
            return new DynamoDbJobStore(aws.dynamoDb(), endpoints.jobsTable());
        }

        /** The table's TTL setting and the attribute that AWS and dynoxide delete by (a date years ahead here). */
        @Test
        void anEndedJobsItemsCarryTheTablesTtlAttributeAndASaveKeepsIt() {
            assertEquals(dev.drover.aws.DynamoDbSchema.Jobs.TTL, aws.dynamoDb().describeTimeToLive(b -> b.tableName(endpoints.jobsTable()))
                    .timeToLiveDescription().attributeName());
            String id = "j" + UUID.randomUUID();
            JobStore store = store();
            store.appendResults(id, "c1", List.of());
            store.appendResults(id, "c2", List.of());
            dev.drover.core.port.JobRecord done = new dev.drover.core.port.JobRecord(id, "w.txt", "ann", 0, 0, List.of(),
                    dev.drover.core.model.JobStatus.DONE, 1000, 2000);
            store.save(done);
            store.expireAt(id, java.time.Instant.ofEpochSecond(1_900_000_000L));
            store.save(done);
            var items = aws.dynamoDb().query(b -> b.tableName(endpoints.jobsTable())
                    .keyConditionExpression("pk = :pk").expressionAttributeValues(Map.of(":pk",
                            software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("job#" + id)))).items();
            assertEquals(3, items.size());
            items.forEach(i -> assertEquals("1900000000", i.get(dev.drover.aws.DynamoDbSchema.Jobs.TTL).n(), i.toString()));
        }

        /** A chunk past DynamoDB's item limit (random output compresses to nothing) is stored in pieces and read back whole, once. */
        @Test
        void aChunkPastTheItemLimitIsStoredInPiecesAndReadBackWhole() {
            String id = "j" + UUID.randomUUID();
            JobStore store = store();
            java.util.Random random = new java.util.Random(7);
            List<dev.drover.core.model.TaskResult> results = new java.util.ArrayList<>();
            for (int seq = 0; seq < 4; seq++) {
                byte[] noise = new byte[150_000];
                random.nextBytes(noise);
                results.add(new dev.drover.core.model.TaskResult(id, seq, seq + 1, "cat noise", dev.drover.core.model.TaskStatus.SUCCEEDED,
                        0, java.util.Base64.getEncoder().encodeToString(noise), "", false, false, "w1", 1, 2, 3, 1, null));
            }
            store.appendResults(id, "m1", results);
            store.appendResults(id, "m1", results); // the same message again: its pieces are found stored
            List<dev.drover.core.model.TaskResult> back = new java.util.ArrayList<>();
            store.forEachResult(id, back::add);
            assertEquals(List.of(0L, 1L, 2L, 3L), back.stream().map(dev.drover.core.model.TaskResult::seq).sorted().toList());
            assertEquals(results.get(2).stdout(), back.stream().filter(r -> r.seq() == 2).findFirst().orElseThrow().stdout());
        }

        /** The TTL goes on in PartiQL batches of 25: every item of a job with more, and never on an item that is gone. */
        @Test
        void theTtlReachesEveryItemOfALongJobAndCreatesNone() {
            String id = "j" + UUID.randomUUID();
            JobStore store = store();
            for (int c = 0; c < 60; c++) {
                store.appendResults(id, "c" + c, List.of());
            }
            store.save(new dev.drover.core.port.JobRecord(id, "w.txt", "ann", 0, 0, List.of(),
                    dev.drover.core.model.JobStatus.DONE, 1000, 2000));
            store.expireAt(id, java.time.Instant.ofEpochSecond(1_900_000_000L));
            var items = aws.dynamoDb().queryPaginator(b -> b.tableName(endpoints.jobsTable())
                    .keyConditionExpression("pk = :pk").expressionAttributeValues(Map.of(":pk",
                            software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("job#" + id)))).items().stream().toList();
            assertEquals(61, items.size());
            items.forEach(i -> assertEquals("1900000000", i.get(dev.drover.aws.DynamoDbSchema.Jobs.TTL).n(), i.toString()));

            var gone = Map.of("pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("job#" + id),
                    "sk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("chunk#never-written"));
            var answer = aws.dynamoDb().batchExecuteStatement(b -> b.statements(s -> s
                    .statement("UPDATE \"" + endpoints.jobsTable() + "\" SET \"" + dev.drover.aws.DynamoDbSchema.Jobs.TTL
                            + "\" = ? WHERE \"pk\" = ? AND \"sk\" = ?")
                    .parameters(software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromN("1"), gone.get("pk"), gone.get("sk"))));
            assertEquals(software.amazon.awssdk.services.dynamodb.model.BatchStatementErrorCodeEnum.CONDITIONAL_CHECK_FAILED,
                    answer.responses().get(0).error().code());
            var left = aws.dynamoDb().getItem(b -> b.tableName(endpoints.jobsTable()).key(gone));
            assertTrue(!left.hasItem() || left.item().isEmpty(), "an UPDATE of a missing item creates none");
        }
    }

    /** Over CopyObject's limit (lowered here to 5 MiB) a pack is renewed by a multipart copy onto itself. */
    @Test
    void aPackOverTheSingleCopyLimitIsRenewedByAMultipartCopyOntoItself() throws Exception {
        S3PayloadStore s3 = new S3PayloadStore(aws.s3(), endpoints.bucket()).withCopyLimit(5 << 20, 5 << 20);
        byte[] bytes = new byte[(12 << 20) + 7];
        ThreadLocalRandom.current().nextBytes(bytes);
        String key = "files/" + UUID.randomUUID();
        s3.put(key, bytes);
        java.time.Instant first = aws.s3().headObject(b -> b.bucket(endpoints.bucket()).key(key)).lastModified();
        Thread.sleep(1100); // Last-Modified has whole seconds
        s3.touch(key);
        var head = aws.s3().headObject(b -> b.bucket(endpoints.bucket()).key(key));
        assertTrue(head.lastModified().isAfter(first), head.lastModified() + " after " + first);
        assertTrue(head.metadata().containsKey("drover-touched"), head.metadata().toString());
        assertTrue(head.eTag().contains("-3"), "a multipart object of 3 parts: " + head.eTag());
        assertTrue(java.util.Arrays.equals(bytes, s3.get(key)), "the same bytes");
    }

    /** Users share the jobs table; listing jobs must not see them. */
    @Nested
    class Users extends UserStoreContract {
        @Override
        protected UserStore store() {
            return new DynamoDbUserStore(aws.dynamoDb(), endpoints.jobsTable());
        }

        @Test
        void usersAreNotJobs() {
            store().add(new dev.drover.core.port.User("not-a-job", false, 1), "f".repeat(64));
            assertTrue(new DynamoDbJobStore(aws.dynamoDb(), endpoints.jobsTable()).list().stream()
                    .noneMatch(j -> j.jobId() == null || j.jobId().contains("not-a-job")));
        }

        @Test
        void aUserWrittenBeforeWeightsExistedWeighsOne() {
            String name = "old-" + UUID.randomUUID().toString().substring(0, 8);
            aws.dynamoDb().putItem(b -> b.tableName(endpoints.jobsTable()).item(Map.of(
                    DynamoDbSchema.Jobs.PARTITION_KEY, AttributeValue.fromS(DynamoDbSchema.Users.USER_PREFIX + name),
                    DynamoDbSchema.Jobs.SORT_KEY, AttributeValue.fromS(DynamoDbSchema.Users.USER_SORT_KEY),
                    DynamoDbSchema.Users.NAME, AttributeValue.fromS(name),
                    DynamoDbSchema.Users.ADMIN, AttributeValue.fromBool(false),
                    DynamoDbSchema.Users.CREATED_AT, AttributeValue.fromN("5"),
                    DynamoDbSchema.Users.REVOKED, AttributeValue.fromBool(false))));
            assertEquals(1, store().get(name).orElseThrow().weight());
        }
    }

    @Test
    void aBodyOverTheMessageLimitTravelsThroughS3() {
        S3PayloadStore s3 = new S3PayloadStore(aws.s3(), endpoints.bucket());
        MessageQueue q = new OffloadingMessageQueue(new SqsMessageQueue(aws.sqs(), newQueue()), s3);
        String big = "x".repeat(SqsMessageQueue.MAX_MESSAGE_BYTES + 1000);
        q.send(List.of(big, "small"));
        List<Message> got = new ArrayList<>();
        for (int i = 0; i < 10 && got.size() < 2; i++) {
            got.addAll(q.receive(10, Duration.ofSeconds(1), Duration.ofSeconds(30)));
        }
        assertEquals(List.of(big, "small").stream().sorted().toList(), got.stream().map(Message::body).sorted().toList());
    }

    /**
     * Every message is delivered twice and some visibility timeouts are forced to lapse while the
     * bundle runs; still every task runs exactly once and reports exactly once.
     */
    @Test
    void everyTaskRunsExactlyOnceDespiteDuplicatesAndLapsedVisibility(@TempDir Path dir) throws Exception {
        String requestsUrl = newQueue();
        String responsesUrl = newQueue();
        Path ran = dir.resolve("ran.txt");
        String job = "exact-" + UUID.randomUUID();
        int tasks = 120;
        List<String> bodies = new ArrayList<>();
        for (int first = 0; first < tasks; first += 4) {
            List<Task> bundle = new ArrayList<>();
            for (int seq = first; seq < first + 4; seq++) {
                String cmd = seq % 3 == 0 ? "sleep 300" : "echo $DROVER_TASK_ID >> " + ran + "; /bin/sleep 0.2";
                bundle.add(new Task(seq, seq + 1, cmd, 0, 1, 1));
            }
            String body = Json.write(new Bundle(job + ":" + first, job, System.currentTimeMillis(), bundle));
            bodies.add(body);
            bodies.add(body); // the duplicate delivery
        }
        new SqsMessageQueue(aws.sqs(), requestsUrl).send(bodies);

        MessageQueue chaotic = new LapsingQueue(new SqsMessageQueue(aws.sqs(), requestsUrl));
        MessageQueue responses = new SqsMessageQueue(aws.sqs(), responsesUrl);
        ClaimStore claims = new DynamoDbClaimStore(aws.dynamoDb(), endpoints.claimsTable());
        List<Worker> workers = IntStream.range(0, 3).mapToObj(i -> new Worker(
                WorkerConfig.defaults("w" + i, 4, Duration.ofSeconds(5)).withPollWait(Duration.ofSeconds(1))
                        .withLease(Duration.ofSeconds(3), Duration.ofSeconds(1)),
                chaotic, responses, claims, Executors.standard(TaskEnvironment.fromWorker(System.getenv())), Clock.systemUTC(), new AwsUsageMeter()::total).start()).toList();
        workers.forEach(w -> w.exited().join());

        Map<Long, List<TaskResult>> results = new HashMap<>();
        long duplicatesSkipped = 0;
        for (List<Message> got = responses.receive(10, Duration.ofSeconds(1), Duration.ofSeconds(30)); !got.isEmpty();
             got = responses.receive(10, Duration.ofSeconds(1), Duration.ofSeconds(30))) {
            for (Message m : got) {
                ResultBatch batch = Json.resultBatch(m.body());
                duplicatesSkipped += batch.duplicatesSkipped();
                batch.results().forEach(r -> results.computeIfAbsent(r.seq(), s -> new ArrayList<>()).add(r));
            }
            responses.delete(got);
        }
        assertEquals(tasks, results.size(), "every task reported");
        results.forEach((seq, rs) -> assertEquals(1, rs.size(), "task " + seq + " reported once"));
        Map<String, Long> runs = Files.readAllLines(ran).stream().collect(Collectors.groupingBy(s -> s, Collectors.counting()));
        assertEquals(tasks - tasks / 3, runs.size(), "every shell task ran");
        runs.forEach((id, n) -> assertEquals(1, n, id + " ran once"));
        assertTrue(duplicatesSkipped > 0, "duplicate deliveries were seen and skipped");
    }

    /** Makes some received messages visible again at once, as if their visibility timeout had lapsed. */
    private static final class LapsingQueue extends ForwardingMessageQueue {
        LapsingQueue(MessageQueue queue) {
            super(queue);
        }

        @Override
        public List<Message> receive(int max, Duration wait, Duration visibility) {
            List<Message> got = queue.receive(max, wait, visibility);
            List<Message> lapse = got.stream().filter(m -> ThreadLocalRandom.current().nextInt(3) == 0).toList();
            if (!lapse.isEmpty()) {
                queue.changeVisibility(lapse, Duration.ZERO);
            }
            return got;
        }
    }
}
