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
import dev.drover.core.port.ResultChunk;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
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
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Jobs in one DynamoDB table: per job a {@code meta} item (the record and its dispatch cursor)
 * and one item per chunk of results, gzipped JSON, written once (a repeated chunk is a no-op).
 * A chunk is one response message's worth of results, so a job costs a write per message, not per task;
 * the chunks of a collector's receive (up to ten messages) go in one call.
 * Key and attribute names: {@link DynamoDbSchema.Jobs}. Once a job has ended, every item of it carries
 * the table's TTL attribute ({@link #expireAt}); a save updates the meta item in place so it keeps it.
 */
public final class DynamoDbJobStore implements JobStore {
    private static final String SERVICE = "DynamoDB";
    /** PartiQL's UPDATE changes an item that exists and fails (ConditionalCheckFailed) for one that does not. */
    private final String expire;
    /** PartiQL's INSERT stores an item that is not there and fails (DuplicateItem) for one that is: a chunk is written once. */
    private final String insertChunk;
    /** Statements a PartiQL BatchExecuteStatement takes at most. */
    private static final int STATEMENTS_A_BATCH = 25;
    /**
     * Chunk puts a fenced transaction carries at most, besides its fence check, and their bytes at most:
     * within DynamoDB's 100 actions and 4 MB a transaction.
     */
    private static final int PUTS_A_TRANSACTION = 25;
    private static final int BYTES_A_TRANSACTION = 3 * 1024 * 1024;

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
        this.insertChunk = "INSERT INTO \"" + table + "\" VALUE {'" + PARTITION_KEY + "': ?, '" + SORT_KEY + "': ?, '"
                + RESULTS + "': ?}";
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
        appendResults(jobId, List.of(new ResultChunk(chunkId, results, null)));
    }

    @Override
    public void appendResults(String jobId, String chunkId, List<TaskResult> results, List<String> jsonLines) {
        appendResults(jobId, List.of(new ResultChunk(chunkId, results, jsonLines)));
    }

    @Override
    public void appendResults(String jobId, String chunkId, List<TaskResult> results, Fence fence) {
        appendResults(jobId, List.of(new ResultChunk(chunkId, results, null)), fence);
    }

    @Override
    public void appendResults(String jobId, String chunkId, List<TaskResult> results, List<String> jsonLines, Fence fence) {
        appendResults(jobId, List.of(new ResultChunk(chunkId, results, jsonLines)), fence);
    }

    /**
     * Writes the chunks (their pieces: {@link ResultChunks#pieces}) as PartiQL INSERTs, 25 a call: a
     * collector's receive of ten messages costs one call, not ten. A chunk stored already fails alone
     * (DuplicateItem), and is left as it is, as a conditional put leaves it.
     */
    @Override
    public void appendResults(String jobId, List<ResultChunk> chunks) {
        List<BatchStatementRequest> inserts = new ArrayList<>();
        pieces(chunks).forEach((id, gzipped) -> inserts.add(BatchStatementRequest.builder().statement(insertChunk)
                .parameters(s(JOB_PREFIX + jobId), s(CHUNK_PREFIX + id), AttributeValue.fromB(SdkBytes.fromByteArray(gzipped)))
                .build()));
        executeAll(inserts, BatchStatementErrorCodeEnum.DUPLICATE_ITEM, "result chunk writes of job " + jobId);
    }

    /**
     * The same as the job's owner: the chunks' puts in one transaction with the fence's check (two items'
     * write units each, and the check once, not once a chunk); a chunk stored already is left out and the
     * rest tried again.
     */
    @Override
    public void appendResults(String jobId, List<ResultChunk> chunks, Fence fence) {
        List<Map.Entry<String, byte[]>> group = new ArrayList<>();
        long bytes = 0;
        for (Map.Entry<String, byte[]> piece : pieces(chunks).entrySet()) {
            if (!group.isEmpty() && (group.size() == PUTS_A_TRANSACTION || bytes + piece.getValue().length > BYTES_A_TRANSACTION)) {
                putFenced(jobId, group, fence);
                group = new ArrayList<>();
                bytes = 0;
            }
            group.add(piece);
            bytes += piece.getValue().length;
        }
        if (!group.isEmpty()) {
            putFenced(jobId, group, fence);
        }
    }

    /** The chunks' pieces by item id, in order; results given without their JSON are encoded here. */
    private static Map<String, byte[]> pieces(List<ResultChunk> chunks) {
        Map<String, byte[]> pieces = new LinkedHashMap<>();
        for (ResultChunk c : chunks) {
            List<String> lines = c.jsonLines() != null ? c.jsonLines() : c.results().stream().map(Json::write).toList();
            pieces.putAll(ResultChunks.pieces(c.chunkId(), lines, ResultChunks.MAX_ITEM_BYTES));
        }
        return pieces;
    }

    /** One transaction: the fence's check and the puts of the pieces not stored yet. */
    private void putFenced(String jobId, List<Map.Entry<String, byte[]>> pieces, Fence fence) {
        List<Map.Entry<String, byte[]>> left = new ArrayList<>(pieces);
        while (!left.isEmpty()) {
            List<TransactWriteItem> items = new ArrayList<>(left.size() + 1);
            items.add(TransactWriteItem.builder().conditionCheck(c -> c.tableName(table).key(metaKey(jobId))
                    .conditionExpression("#epoch = :mine").expressionAttributeNames(Map.of("#epoch", EPOCH))
                    .expressionAttributeValues(Map.of(":mine", n(fence.epoch())))).build());
            for (Map.Entry<String, byte[]> piece : left) {
                items.add(TransactWriteItem.builder().put(p -> p.tableName(table)
                        .item(Map.of(PARTITION_KEY, s(JOB_PREFIX + jobId), SORT_KEY, s(CHUNK_PREFIX + piece.getKey()),
                                RESULTS, AttributeValue.fromB(SdkBytes.fromByteArray(piece.getValue()))))
                        .conditionExpression("attribute_not_exists(" + SORT_KEY + ")")).build());
            }
            try {
                AwsErrors.call(SERVICE, () -> dynamo.transactWriteItems(b -> b.transactItems(items)));
                return;
            } catch (InfrastructureException e) {
                if (!(e.getCause() instanceof TransactionCanceledException cancelled)
                        || cancelled.cancellationReasons().size() != items.size()) {
                    throw e;
                }
                List<CancellationReason> reasons = cancelled.cancellationReasons();
                if ("ConditionalCheckFailed".equals(reasons.get(0).code())) {
                    throw new FencedOutException(jobId, fence);
                }
                List<Map.Entry<String, byte[]>> notStored = new ArrayList<>();
                for (int i = 0; i < left.size(); i++) {
                    if (!"ConditionalCheckFailed".equals(reasons.get(i + 1).code())) {
                        notStored.add(left.get(i));
                    }
                }
                if (notStored.size() == left.size()) {
                    throw e; // cancelled for another reason (a conflict, say): the caller tries again
                }
                left = notStored; // those stored already are left as they are: a repeat changes nothing
            }
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
        executeAll(updates, BatchStatementErrorCodeEnum.CONDITIONAL_CHECK_FAILED, "TTL updates of job " + jobId);
    }

    /**
     * Runs the statements, 25 a PartiQL BatchExecuteStatement (its limit). A statement that fails with
     * {@code settled} is done (its item is gone, or there already); one refused for another reason
     * (throttled, say) is tried again, a few times.
     */
    private void executeAll(List<BatchStatementRequest> statements, BatchStatementErrorCodeEnum settled, String what) {
        for (int from = 0; from < statements.size(); from += STATEMENTS_A_BATCH) {
            List<BatchStatementRequest> batch = statements.subList(from, Math.min(statements.size(), from + STATEMENTS_A_BATCH));
            for (int attempt = 0; !batch.isEmpty(); attempt++) {
                if (attempt > 0) {
                    if (attempt > 8) {
                        throw new InfrastructureException(SERVICE, "BatchStatementError", null,
                                InfrastructureException.Kind.TRANSIENT, batch.size() + " " + what
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
                    if (error != null && error.code() != settled) {
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
            throw new IllegalStateException("interrupted while writing to the jobs table", e);
        }
    }
}
