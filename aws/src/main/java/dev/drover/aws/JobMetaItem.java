package dev.drover.aws;

import static dev.drover.aws.DynamoDbSchema.Jobs.BUDGET_USD;
import static dev.drover.aws.DynamoDbSchema.Jobs.CANCEL_REASON;
import static dev.drover.aws.DynamoDbSchema.Jobs.COUNTS;
import static dev.drover.aws.DynamoDbSchema.Jobs.DISPATCHED;
import static dev.drover.aws.DynamoDbSchema.Jobs.EPOCH;
import static dev.drover.aws.DynamoDbSchema.Jobs.FILES;
import static dev.drover.aws.DynamoDbSchema.Jobs.FINISHED_AT;
import static dev.drover.aws.DynamoDbSchema.Jobs.HELD;
import static dev.drover.aws.DynamoDbSchema.Jobs.JOB_ID;
import static dev.drover.aws.DynamoDbSchema.Jobs.NAME;
import static dev.drover.aws.DynamoDbSchema.Jobs.OWNER;
import static dev.drover.aws.DynamoDbSchema.Jobs.OWNER_REPLICA;
import static dev.drover.aws.DynamoDbSchema.Jobs.PARTITION_KEY;
import static dev.drover.aws.DynamoDbSchema.Jobs.PRIORITY;
import static dev.drover.aws.DynamoDbSchema.Jobs.SENDING;
import static dev.drover.aws.DynamoDbSchema.Jobs.STATE;
import static dev.drover.aws.DynamoDbSchema.Jobs.SUBMITTED_AT;
import static dev.drover.aws.DynamoDbSchema.Jobs.TOTAL;
import static dev.drover.aws.DynamoDbSchema.Jobs.UNFINISHED;

import dev.drover.core.model.JobStatus;
import dev.drover.core.model.TaskStatus;
import dev.drover.core.port.Fence;
import dev.drover.core.port.JobRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A job's {@code meta} item and its {@link JobRecord}, both ways: the update that writes a record
 * (fenced by the owner's epoch when there is a fence) and the record an item reads back as.
 */
final class JobMetaItem {
    /** An UpdateItem's expressions: what it sets and removes, on what condition (null: none). */
    record Update(String expression, String condition, Map<String, String> names, Map<String, AttributeValue> values) {}

    private JobMetaItem() {}

    private static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    private static AttributeValue n(long v) {
        return AttributeValue.fromN(Long.toString(v));
    }

    /**
     * The update that writes {@code job}: an update, not a put, so the item keeps its TTL attribute once
     * the job has ended; an optional attribute the record no longer has is removed, so the item reads back
     * as the record. {@link DynamoDbSchema.Jobs#UNFINISHED} is set while the job has not ended and removed
     * by the write that records its end. With a fence: a new job starts at its epoch, an existing one is written only at it.
     */
    static Update update(JobRecord job, Fence fence) {
        Map<String, AttributeValue> attributes = new HashMap<>(Map.of(
                JOB_ID, s(job.jobId()), NAME, s(job.name()),
                OWNER, s(job.owner()), TOTAL, n(job.total()), DISPATCHED, n(job.dispatched()),
                STATE, s(job.state().name()), SUBMITTED_AT, n(job.submittedAt()), FINISHED_AT, n(job.finishedAt())));
        attributes.put(SENDING, s(job.sending().stream().map(String::valueOf).collect(Collectors.joining(","))));
        Map<String, AttributeValue> optional = new HashMap<>();
        if (job.files() != null) {
            optional.put(FILES, s(job.files()));
        }
        if (job.priority() != 0) {
            optional.put(PRIORITY, n(job.priority()));
        }
        if (job.budgetUsd() != null) {
            optional.put(BUDGET_USD, AttributeValue.fromN(Double.toString(job.budgetUsd())));
        }
        if (job.cancelReason() != null) {
            optional.put(CANCEL_REASON, s(job.cancelReason()));
        }
        if (!job.counts().isEmpty()) {
            optional.put(COUNTS, s(job.counts().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .map(e -> e.getKey().name() + "=" + e.getValue()).collect(Collectors.joining(","))));
        }
        if (!job.held().isEmpty()) {
            optional.put(HELD, s(job.held().stream().map(String::valueOf).collect(Collectors.joining(","))));
        }
        if (!job.ended()) {
            optional.put(UNFINISHED, s(job.jobId()));
        }
        attributes.putAll(optional);
        if (fence != null) {
            attributes.put(OWNER_REPLICA, s(fence.replica()));
            attributes.put(EPOCH, n(fence.epoch()));
        }
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        List<String> sets = new ArrayList<>();
        attributes.forEach((name, value) -> {
            String i = Integer.toString(names.size());
            names.put("#a" + i, name);
            values.put(":v" + i, value);
            sets.add("#a" + i + " = :v" + i);
        });
        List<String> removes = new ArrayList<>();
        for (String name : List.of(FILES, PRIORITY, BUDGET_USD, CANCEL_REASON, COUNTS, HELD, UNFINISHED)) {
            if (!optional.containsKey(name)) {
                String i = Integer.toString(names.size());
                names.put("#a" + i, name);
                removes.add("#a" + i);
            }
        }
        String expression = "SET " + String.join(", ", sets) + (removes.isEmpty() ? "" : " REMOVE " + String.join(", ", removes));
        String condition;
        if (fence != null) {
            names.put("#pk", PARTITION_KEY);
            names.put("#epoch", EPOCH);
            values.put(":mine", n(fence.epoch()));
            condition = "attribute_not_exists(#pk) OR #epoch = :mine";
        } else {
            condition = null;
        }
        return new Update(expression, condition, names, values);
    }

    /** The record a meta item holds. */
    static JobRecord record(Map<String, AttributeValue> i) {
        return new JobRecord(i.get(JOB_ID).s(), i.get(NAME).s(), i.get(OWNER).s(), Long.parseLong(i.get(TOTAL).n()),
                Long.parseLong(i.get(DISPATCHED).n()), sending(i.get(SENDING)), JobStatus.valueOf(i.get(STATE).s()),
                Long.parseLong(i.get(SUBMITTED_AT).n()), Long.parseLong(i.get(FINISHED_AT).n()),
                i.containsKey(FILES) ? i.get(FILES).s() : null,
                i.containsKey(PRIORITY) ? Integer.parseInt(i.get(PRIORITY).n()) : 0,
                i.containsKey(BUDGET_USD) ? Double.valueOf(i.get(BUDGET_USD).n()) : null,
                i.containsKey(CANCEL_REASON) ? i.get(CANCEL_REASON).s() : null, counts(i.get(COUNTS)), held(i.get(HELD)));
    }

    private static List<Long> held(AttributeValue v) {
        return v == null || v.s().isEmpty() ? List.of() : Arrays.stream(v.s().split(",")).map(Long::valueOf).toList();
    }

    private static Map<TaskStatus, Long> counts(AttributeValue v) {
        Map<TaskStatus, Long> counts = new EnumMap<>(TaskStatus.class);
        if (v != null && !v.s().isEmpty()) {
            for (String pair : v.s().split(",")) {
                int eq = pair.indexOf('=');
                counts.put(TaskStatus.valueOf(pair.substring(0, eq)), Long.parseLong(pair.substring(eq + 1)));
            }
        }
        return counts;
    }

    private static List<Integer> sending(AttributeValue v) {
        return v == null || v.s().isEmpty() ? List.of() : Arrays.stream(v.s().split(",")).map(Integer::valueOf).toList();
    }
}
