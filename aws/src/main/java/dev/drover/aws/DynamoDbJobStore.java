package dev.drover.aws;

import static dev.drover.aws.DynamoDbSchema.Jobs.CHUNK_PREFIX;
import static dev.drover.aws.DynamoDbSchema.Jobs.DISPATCHED;
import static dev.drover.aws.DynamoDbSchema.Jobs.FINISHED_AT;
import static dev.drover.aws.DynamoDbSchema.Jobs.JOB_ID;
import static dev.drover.aws.DynamoDbSchema.Jobs.JOB_PREFIX;
import static dev.drover.aws.DynamoDbSchema.Jobs.META;
import static dev.drover.aws.DynamoDbSchema.Jobs.FILES;
import static dev.drover.aws.DynamoDbSchema.Jobs.NAME;
import static dev.drover.aws.DynamoDbSchema.Jobs.OWNER;
import static dev.drover.aws.DynamoDbSchema.Jobs.PARTITION_KEY;
import static dev.drover.aws.DynamoDbSchema.Jobs.PRIORITY;
import static dev.drover.aws.DynamoDbSchema.Jobs.RESULTS;
import static dev.drover.aws.DynamoDbSchema.Jobs.SENDING;
import static dev.drover.aws.DynamoDbSchema.Jobs.SORT_KEY;
import static dev.drover.aws.DynamoDbSchema.Jobs.STATE;
import static dev.drover.aws.DynamoDbSchema.Jobs.SUBMITTED_AT;
import static dev.drover.aws.DynamoDbSchema.Jobs.TOTAL;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.drover.core.InfrastructureException;
import dev.drover.core.codec.Json;
import dev.drover.core.model.TaskResult;
import dev.drover.core.port.JobRecord;
import dev.drover.core.port.JobStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import dev.drover.core.model.JobStatus;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.stream.Collectors;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Jobs in one DynamoDB table: per job a {@code meta} item (the record and its dispatch cursor)
 * and one item per chunk of results, gzipped JSON, written once (a repeated chunk is a no-op).
 * A chunk is one response message's worth of results, so a job costs a write per message, not per task.
 * Key and attribute names: {@link DynamoDbSchema.Jobs}.
 */
public final class DynamoDbJobStore implements JobStore {
    private static final String SERVICE = "DynamoDB";
    private static final TypeReference<List<TaskResult>> RESULT_LIST = new TypeReference<>() {};

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoDbJobStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    private static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    private static AttributeValue n(long v) {
        return AttributeValue.fromN(Long.toString(v));
    }

    @Override
    public void save(JobRecord job) {
        Map<String, AttributeValue> item = new HashMap<>(Map.of(
                PARTITION_KEY, s(JOB_PREFIX + job.jobId()), SORT_KEY, s(META), JOB_ID, s(job.jobId()), NAME, s(job.name()),
                OWNER, s(job.owner()), TOTAL, n(job.total()), DISPATCHED, n(job.dispatched()),
                STATE, s(job.state().name()), SUBMITTED_AT, n(job.submittedAt()), FINISHED_AT, n(job.finishedAt())));
        item.put(SENDING, s(job.sending().stream().map(String::valueOf).collect(Collectors.joining(","))));
        if (job.files() != null) {
            item.put(FILES, s(job.files()));
        }
        if (job.priority() != 0) {
            item.put(PRIORITY, n(job.priority()));
        }
        AwsErrors.call(SERVICE, () -> dynamo.putItem(b -> b.tableName(table).item(item)));
    }

    @Override
    public Optional<JobRecord> get(String jobId) {
        var item = AwsErrors.call(SERVICE, () -> dynamo.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of(PARTITION_KEY, s(JOB_PREFIX + jobId), SORT_KEY, s(META))))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(record(item));
    }

    private static JobRecord record(Map<String, AttributeValue> i) {
        return new JobRecord(i.get(JOB_ID).s(), i.get(NAME).s(), i.get(OWNER).s(), Long.parseLong(i.get(TOTAL).n()),
                Long.parseLong(i.get(DISPATCHED).n()), sending(i.get(SENDING)), JobStatus.valueOf(i.get(STATE).s()),
                Long.parseLong(i.get(SUBMITTED_AT).n()), Long.parseLong(i.get(FINISHED_AT).n()),
                i.containsKey(FILES) ? i.get(FILES).s() : null,
                i.containsKey(PRIORITY) ? Integer.parseInt(i.get(PRIORITY).n()) : 0);
    }

    private static List<Integer> sending(AttributeValue v) {
        return v == null || v.s().isEmpty() ? List.of() : Arrays.stream(v.s().split(",")).map(Integer::valueOf).toList();
    }

    @Override
    public List<JobRecord> list() {
        return AwsErrors.call(SERVICE, () -> dynamo.scanPaginator(b -> b.tableName(table).consistentRead(true)
                        .filterExpression(SORT_KEY + " = :meta").expressionAttributeValues(Map.of(":meta", s(META))))
                .items().stream().map(DynamoDbJobStore::record)
                .sorted(Comparator.comparingLong(JobRecord::submittedAt).thenComparing(JobRecord::jobId)).toList());
    }

    @Override
    public void appendResults(String jobId, String chunkId, List<TaskResult> results) {
        SdkBytes data = SdkBytes.fromByteArray(gzip(Json.write(results).getBytes(StandardCharsets.UTF_8)));
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

    @Override
    public void forEachResult(String jobId, Consumer<TaskResult> consumer) {
        AwsErrors.call(SERVICE, () -> {
            dynamo.queryPaginator(b -> b.tableName(table).consistentRead(true)
                            .keyConditionExpression(PARTITION_KEY + " = :pk AND begins_with(" + SORT_KEY + ", :chunk)")
                            .expressionAttributeValues(Map.of(":pk", s(JOB_PREFIX + jobId), ":chunk", s(CHUNK_PREFIX))))
                    .items().forEach(item -> read(item.get(RESULTS).b().asByteArray()).forEach(consumer));
            return null;
        });
    }

    private static List<TaskResult> read(byte[] gzipped) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
            return Json.MAPPER.readValue(in, RESULT_LIST);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 4 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
