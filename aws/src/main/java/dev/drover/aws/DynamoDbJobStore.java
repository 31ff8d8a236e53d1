package dev.drover.aws;

import static dev.drover.aws.DynamoDbSchema.Jobs.CHUNK_PREFIX;
import static dev.drover.aws.DynamoDbSchema.Jobs.TTL;
import static dev.drover.aws.DynamoDbSchema.Jobs.EPOCH;
import static dev.drover.aws.DynamoDbSchema.Jobs.JOB_ID;
import static dev.drover.aws.DynamoDbSchema.Jobs.JOB_PREFIX;
import static dev.drover.aws.DynamoDbSchema.Jobs.IDEM;
import static dev.drover.aws.DynamoDbSchema.Jobs.IDEM_PREFIX;
import static dev.drover.aws.DynamoDbSchema.Jobs.META;
import static dev.drover.aws.DynamoDbSchema.Jobs.PARTITION_KEY;
import static dev.drover.aws.DynamoDbSchema.Jobs.RESULTS;
import static dev.drover.aws.DynamoDbSchema.Jobs.SORT_KEY;

import dev.drover.core.InfrastructureException;
import dev.drover.core.codec.Json;
import dev.drover.core.model.TaskResult;
import dev.drover.core.port.Fence;
import dev.drover.core.port.FencedOutException;
import dev.drover.core.port.JobRecord;
import dev.drover.core.port.JobStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchStatementError;
import software.amazon.awssdk.services.dynamodb.model.BatchStatementErrorCodeEnum;
import software.amazon.awssdk.services.dynamodb.model.BatchStatementRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchStatementResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Jobs in one DynamoDB table: per job a {@code meta} item (the record and its dispatch cursor)
 * and one item per chunk of results, gzipped JSON, written once (a repeated chunk is a no-op).
 * A chunk is one response message's worth of results, so a job costs a write per message, not per task.
 * Key and attribute names: {@link DynamoDbSchema.Jobs}. Once a job has ended, every item of it carries
 * the table's TTL attribute ({@link #expireAt}); a save updates the meta item in place so it keeps it.
 */
public final class DynamoDbJobStore implements JobStore {
    private static final String SERVICE = "DynamoDB";
    /** PartiQL's UPDATE changes an item that exists and fails (ConditionalCheckFailed) for one that does not. */
    private final String expire;

    /**
     * Items a list() page evaluates. DynamoDB Local, the emulator before dynoxide, slowed down more
     * than linearly with page size: 10,000 jobs (20,000 items) took 6.5 s to scan in 1 MB pages, one
     * page near the client's 5 s call timeout under load, and 1.5 s in pages of 200 (drover bench
     * --recovery).
     */
    static final int SCAN_PAGE = 200;

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoDbJobStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
        this.expire = "UPDATE \"" + table + "\" SET \"" + TTL + "\" = ? WHERE \"" + PARTITION_KEY + "\" = ? AND \""
                + SORT_KEY + "\" = ?";
    }

    private static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    private static AttributeValue n(long v) {
        return AttributeValue.fromN(Long.toString(v));
    }

    @Override
    public void save(JobRecord job) {
        update(job, null);
    }

    /** A new job starts at the fence's epoch; an existing one is written only while its epoch is the fence's. */
    @Override
    public void save(JobRecord job, Fence fence) {
        try {
            update(job, fence);
        } catch (InfrastructureException e) {
            if (e.getCause() instanceof ConditionalCheckFailedException) {
                throw new FencedOutException(job.jobId(), fence);
            }
            throw e;
        }
    }

    private void update(JobRecord job, Fence fence) {
        JobMetaItem.Update u = JobMetaItem.update(job, fence);
        AwsErrors.call(SERVICE, () -> dynamo.updateItem(b -> b.tableName(table).key(metaKey(job.jobId()))
                .updateExpression(u.expression()).conditionExpression(u.condition())
                .expressionAttributeNames(u.names()).expressionAttributeValues(u.values())));
    }

    private static Map<String, AttributeValue> metaKey(String jobId) {
        return Map.of(PARTITION_KEY, s(JOB_PREFIX + jobId), SORT_KEY, s(META));
    }

    @Override
    public Optional<JobRecord> get(String jobId) {
        var item = AwsErrors.call(SERVICE, () -> dynamo.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of(PARTITION_KEY, s(JOB_PREFIX + jobId), SORT_KEY, s(META))))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(JobMetaItem.record(item));
    }

    /**
     * One transaction: the key's item, put only if absent, and its pointer in the job's partition. If the
     * key is taken, the job it names is read back (consistently, so a claim that won a moment ago is seen).
     */
    @Override
    public String claimIdempotencyKey(String user, String key, String jobId) {
        String idem = IDEM_PREFIX + user + "#" + key;
        Map<String, AttributeValue> idemKey = Map.of(PARTITION_KEY, s(idem), SORT_KEY, s(IDEM));
        try {
            AwsErrors.call(SERVICE, () -> dynamo.transactWriteItems(b -> b.transactItems(
                    TransactWriteItem.builder().put(p -> p.tableName(table)
                            .item(Map.of(PARTITION_KEY, s(idem), SORT_KEY, s(IDEM), JOB_ID, s(jobId)))
                            .conditionExpression("attribute_not_exists(" + SORT_KEY + ")")).build(),
                    TransactWriteItem.builder().put(p -> p.tableName(table)
                            .item(Map.of(PARTITION_KEY, s(JOB_PREFIX + jobId), SORT_KEY, s(idem)))).build())));
            return jobId;
        } catch (InfrastructureException e) {
            if (!(e.getCause() instanceof TransactionCanceledException cancelled)
                    || !"ConditionalCheckFailed".equals(cancelled.cancellationReasons().get(0).code())) {
                throw e;
            }
        }
        var item = AwsErrors.call(SERVICE, () -> dynamo.getItem(b -> b.tableName(table).consistentRead(true).key(idemKey))).item();
        // gone between the two calls (its job expired just then): the key is free again
        return item == null || item.isEmpty() ? claimIdempotencyKey(user, key, jobId) : item.get(JOB_ID).s();
    }

    /** The key of the idempotency key item a pointer in a job's partition names; null for the job's other items. */
    private static Map<String, AttributeValue> idemItem(Map<String, AttributeValue> jobItemKey) {
        String sk = jobItemKey.get(SORT_KEY).s();
        return sk.startsWith(IDEM_PREFIX) ? Map.of(PARTITION_KEY, s(sk), SORT_KEY, s(IDEM)) : null;
    }

    @Override
    public List<JobRecord> list() {
        return AwsErrors.call(SERVICE, () -> dynamo.scanPaginator(b -> b.tableName(table).consistentRead(true).limit(SCAN_PAGE)
                        .filterExpression(SORT_KEY + " = :meta").expressionAttributeValues(Map.of(":meta", s(META))))
                .items().stream().map(JobMetaItem::record)
                .sorted(Comparator.comparingLong(JobRecord::submittedAt).thenComparing(JobRecord::jobId)).toList());
    }

    @Override
    public void appendResults(String jobId, String chunkId, List<TaskResult> results) {
        putChunk(jobId, chunkId, results.stream().map(Json::write).toList());
    }

    @Override
    public void appendResults(String jobId, String chunkId, List<TaskResult> results, List<String> jsonLines) {
        putChunk(jobId, chunkId, jsonLines);
    }


    /** Writes a chunk: its results as a JSON array, gzipped, in one item or in pieces ({@link ResultChunks#pieces}). */
    private void putChunk(String jobId, String chunkId, List<String> jsonLines) {
        ResultChunks.pieces(chunkId, jsonLines, ResultChunks.MAX_ITEM_BYTES).forEach((id, gzipped) -> putPiece(jobId, id, gzipped));
    }

    private void putPiece(String jobId, String chunkId, byte[] gzipped) {
        SdkBytes data = SdkBytes.fromByteArray(gzipped);
        try {
            AwsErrors.call(SERVICE, () -> dynamo.putItem(b -> b.tableName(table)
                    .item(Map.of(PARTITION_KEY, s(JOB_PREFIX + jobId), SORT_KEY, s(CHUNK_PREFIX + chunkId),
                            RESULTS, AttributeValue.fromB(data)))
                    .conditionExpression("attribute_not_exists(" + SORT_KEY + ")")));
        } catch (InfrastructureException e) {
            if (!(e.getCause() instanceof ConditionalCheckFailedException)) {
                throw e;
            }
        }
    }

    /**
     * One transaction: a check that the job's epoch is still the fence's, and the put of the chunk if it
     * is new (two items: twice a plain put's write units, the price of a stale owner never storing a result
     * the new owner has not replayed).
     */
    @Override
    public void appendResults(String jobId, String chunkId, List<TaskResult> results, Fence fence) {
        putChunk(jobId, chunkId, results.stream().map(Json::write).toList(), fence);
    }

    @Override
    public void appendResults(String jobId, String chunkId, List<TaskResult> results, List<String> jsonLines, Fence fence) {
        putChunk(jobId, chunkId, jsonLines, fence);
    }

    /** The same, each item in a transaction with the fence's check. */
    private void putChunk(String jobId, String chunkId, List<String> jsonLines, Fence fence) {
        ResultChunks.pieces(chunkId, jsonLines, ResultChunks.MAX_ITEM_BYTES).forEach((id, gzipped) -> putPiece(jobId, id, gzipped, fence));
    }

    private void putPiece(String jobId, String chunkId, byte[] gzipped, Fence fence) {
        SdkBytes data = SdkBytes.fromByteArray(gzipped);
        try {
            AwsErrors.call(SERVICE, () -> dynamo.transactWriteItems(b -> b.transactItems(
                    TransactWriteItem.builder().conditionCheck(c -> c.tableName(table).key(metaKey(jobId))
                            .conditionExpression("#epoch = :mine").expressionAttributeNames(Map.of("#epoch", EPOCH))
                            .expressionAttributeValues(Map.of(":mine", n(fence.epoch())))).build(),
                    TransactWriteItem.builder().put(p -> p.tableName(table)
                            .item(Map.of(PARTITION_KEY, s(JOB_PREFIX + jobId), SORT_KEY, s(CHUNK_PREFIX + chunkId),
                                    RESULTS, AttributeValue.fromB(data)))
                            .conditionExpression("attribute_not_exists(" + SORT_KEY + ")")).build())));
        } catch (InfrastructureException e) {
            if (!(e.getCause() instanceof TransactionCanceledException cancelled)) {
                throw e;
            }
            List<CancellationReason> reasons = cancelled.cancellationReasons();
            if (reasons.size() == 2 && "ConditionalCheckFailed".equals(reasons.get(0).code())) {
                throw new FencedOutException(jobId, fence);
            }
            if (reasons.size() == 2 && "ConditionalCheckFailed".equals(reasons.get(1).code())) {
                return; // the chunk is stored already: a repeat changes nothing
            }
            throw e;
        }
    }

    @Override
    public void forEachResult(String jobId, Consumer<TaskResult> consumer) {
        AwsErrors.call(SERVICE, () -> {
            dynamo.queryPaginator(b -> b.tableName(table).consistentRead(true)
                            .keyConditionExpression(PARTITION_KEY + " = :pk AND begins_with(" + SORT_KEY + ", :chunk)")
                            .expressionAttributeValues(Map.of(":pk", s(JOB_PREFIX + jobId), ":chunk", s(CHUNK_PREFIX))))
                    .items().forEach(item -> ResultChunks.read(item.get(RESULTS).b().asByteArray()).forEach(consumer));
            return null;
        });
    }

    /** The keys of every item of the job: its meta item, its chunks, and its idempotency key's pointer and item. */
    private List<Map<String, AttributeValue>> keys(String jobId) {
        return AwsErrors.call(SERVICE, () -> dynamo.queryPaginator(b -> b.tableName(table).consistentRead(true)
                        .keyConditionExpression(PARTITION_KEY + " = :pk")
                        .projectionExpression(PARTITION_KEY + ", " + SORT_KEY)
                        .expressionAttributeValues(Map.of(":pk", s(JOB_PREFIX + jobId))))
                .items().stream().<Map<String, AttributeValue>>mapMulti((k, out) -> {
                    out.accept(Map.copyOf(k));
                    Map<String, AttributeValue> idem = idemItem(k);
                    if (idem != null) {
                        out.accept(idem);
                    }
                }).toList());
    }

    /**
     * Sets the TTL on each of the job's items: one write an item (AWS's TTL deletes are free), 25 a
     * PartiQL BatchExecuteStatement (its limit) rather than an UpdateItem each, as a long job has an item
     * for every result message. A statement whose item is gone (deleted meanwhile) fails alone and is
     * skipped; one refused for another reason (throttled, say) is tried again, as a delete's leftovers are.
     */
    @Override
    public void expireAt(String jobId, Instant at) {
        AttributeValue epochSeconds = n(at.getEpochSecond());
        List<BatchStatementRequest> updates = keys(jobId).stream().map(k -> BatchStatementRequest.builder()
                .statement(expire).parameters(epochSeconds, k.get(PARTITION_KEY), k.get(SORT_KEY)).build()).toList();
        for (int from = 0; from < updates.size(); from += 25) {
            List<BatchStatementRequest> batch = updates.subList(from, Math.min(updates.size(), from + 25));
            for (int attempt = 0; !batch.isEmpty(); attempt++) {
                if (attempt > 0) {
                    if (attempt > 8) {
                        throw new InfrastructureException(SERVICE, "BatchStatementError", null,
                                InfrastructureException.Kind.TRANSIENT, batch.size() + " TTL updates of job " + jobId
                                + " still refused after " + attempt + " attempts", null);
                    }
                    pause(attempt);
                }
                List<BatchStatementRequest> pending = batch;
                List<BatchStatementResponse> answers = AwsErrors.call(SERVICE,
                        () -> dynamo.batchExecuteStatement(b -> b.statements(pending))).responses();
                batch = new ArrayList<>();
                for (int i = 0; i < pending.size(); i++) {
                    BatchStatementError error = answers.get(i).error();
                    if (error != null && error.code() != BatchStatementErrorCodeEnum.CONDITIONAL_CHECK_FAILED) {
                        batch.add(pending.get(i));
                    }
                }
            }
        }
    }

    /** Deletes every item of the job, 25 a BatchWriteItem (its limit), until none is left unprocessed. */
    @Override
    public void delete(String jobId) {
        List<WriteRequest> deletes = keys(jobId).stream()
                .map(k -> WriteRequest.builder().deleteRequest(DeleteRequest.builder().key(k).build()).build()).toList();
        for (int from = 0; from < deletes.size(); from += 25) {
            List<WriteRequest> batch = deletes.subList(from, Math.min(deletes.size(), from + 25));
            for (int attempt = 0; !batch.isEmpty(); attempt++) {
                if (attempt > 0) {
                    pause(attempt);
                }
                List<WriteRequest> pending = batch;
                batch = AwsErrors.call(SERVICE, () -> dynamo.batchWriteItem(b -> b.requestItems(Map.of(table, pending))))
                        .unprocessedItems().getOrDefault(table, List.of());
            }
        }
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(Math.min(1000L, 50L << Math.min(attempt, 5)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while deleting a job", e);
        }
    }
}
