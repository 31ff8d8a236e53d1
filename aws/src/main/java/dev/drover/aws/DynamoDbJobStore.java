package dev.drover.aws;

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
 */
public final class DynamoDbJobStore implements JobStore {
    private static final String SERVICE = "DynamoDB";
    private static final TypeReference<List<TaskResult>> RESULTS = new TypeReference<>() {};

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
                "pk", s("job#" + job.jobId()), "sk", s("meta"), "jobId", s(job.jobId()), "name", s(job.name()),
                "owner", s(job.owner()), "total", n(job.total()), "dispatched", n(job.dispatched()),
                "state", s(job.state().name()), "submittedAt", n(job.submittedAt()), "finishedAt", n(job.finishedAt())));
        item.put("sending", s(job.sending().stream().map(String::valueOf).collect(Collectors.joining(","))));
        AwsErrors.call(SERVICE, () -> dynamo.putItem(b -> b.tableName(table).item(item)));
    }

    @Override
    public Optional<JobRecord> get(String jobId) {
        var item = AwsErrors.call(SERVICE, () -> dynamo.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of("pk", s("job#" + jobId), "sk", s("meta"))))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(record(item));
    }

    private static JobRecord record(Map<String, AttributeValue> i) {
        return new JobRecord(i.get("jobId").s(), i.get("name").s(), i.get("owner").s(), Long.parseLong(i.get("total").n()),
                Long.parseLong(i.get("dispatched").n()), sending(i.get("sending")), JobStatus.valueOf(i.get("state").s()),
                Long.parseLong(i.get("submittedAt").n()),
                Long.parseLong(i.get("finishedAt").n()));
    }

    private static List<Integer> sending(AttributeValue v) {
        return v == null || v.s().isEmpty() ? List.of() : Arrays.stream(v.s().split(",")).map(Integer::valueOf).toList();
    }

    @Override
    public List<JobRecord> list() {
        return AwsErrors.call(SERVICE, () -> dynamo.scanPaginator(b -> b.tableName(table).consistentRead(true)
                        .filterExpression("sk = :meta").expressionAttributeValues(Map.of(":meta", s("meta"))))
                .items().stream().map(DynamoDbJobStore::record)
                .sorted(Comparator.comparingLong(JobRecord::submittedAt).thenComparing(JobRecord::jobId)).toList());
    }

    @Override
    public void appendResults(String jobId, String chunkId, List<TaskResult> results) {
        SdkBytes data = SdkBytes.fromByteArray(gzip(Json.write(results).getBytes(StandardCharsets.UTF_8)));
        try {
            AwsErrors.call(SERVICE, () -> dynamo.putItem(b -> b.tableName(table)
                    .item(Map.of("pk", s("job#" + jobId), "sk", s("chunk#" + chunkId), "results", AttributeValue.fromB(data)))
                    .conditionExpression("attribute_not_exists(sk)")));
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
                            .keyConditionExpression("pk = :pk AND begins_with(sk, :chunk)")
                            .expressionAttributeValues(Map.of(":pk", s("job#" + jobId), ":chunk", s("chunk#"))))
                    .items().forEach(item -> read(item.get("results").b().asByteArray()).forEach(consumer));
            return null;
        });
    }

    private static List<TaskResult> read(byte[] gzipped) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
            return Json.MAPPER.readValue(in, RESULTS);
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
