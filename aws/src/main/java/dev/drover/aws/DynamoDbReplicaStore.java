package dev.drover.aws;

import static dev.drover.aws.DynamoDbSchema.Jobs.EPOCH;
import static dev.drover.aws.DynamoDbSchema.Jobs.FINISHED_AT;
import static dev.drover.aws.DynamoDbSchema.Jobs.JOB_ID;
import static dev.drover.aws.DynamoDbSchema.Jobs.JOB_PREFIX;
import static dev.drover.aws.DynamoDbSchema.Jobs.META;
import static dev.drover.aws.DynamoDbSchema.Jobs.OWNER_REPLICA;
import static dev.drover.aws.DynamoDbSchema.Jobs.PARTITION_KEY;
import static dev.drover.aws.DynamoDbSchema.Jobs.SORT_KEY;
import static dev.drover.aws.DynamoDbSchema.Jobs.UNFINISHED;
import static dev.drover.aws.DynamoDbSchema.Jobs.UNFINISHED_INDEX;

import dev.drover.aws.DynamoDbSchema.Replicas;
import dev.drover.core.InfrastructureException;
import dev.drover.core.port.ReplicaStore;
import dev.drover.core.port.ReplicaStore.Ec2Share;
import dev.drover.core.port.ReplicaStore.UserFigures;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Scheduler replicas in the jobs table ({@link DynamoDbSchema.Replicas}): heartbeats and singleton
 * leases under one partition key, and each job's owner and epoch on its meta item
 * ({@link DynamoDbSchema.Jobs#OWNER_REPLICA}, {@link DynamoDbSchema.Jobs#EPOCH}).
 */
public final class DynamoDbReplicaStore implements ReplicaStore {
    private static final String SERVICE = "DynamoDB";

    private final DynamoDbClient dynamo;
    private final String table;
    /** Whether this process has marked the unfinished jobs that predate the index. */
    private volatile boolean marked;

    public DynamoDbReplicaStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    private static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    private static AttributeValue n(long v) {
        return AttributeValue.fromN(Long.toString(v));
    }

    /** A decimal as DynamoDB takes it: plain digits, no exponent. */
    private static AttributeValue d(double v) {
        return AttributeValue.fromN(java.math.BigDecimal.valueOf(Double.isFinite(v) ? v : 0).toPlainString());
    }

    private static double decimal(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? 0 : Double.parseDouble(v.n());
    }

    private static long number(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? 0 : Long.parseLong(v.n());
    }

    private static Map<String, AttributeValue> replicaKey(String sortKey) {
        return Map.of(PARTITION_KEY, s(Replicas.PARTITION), SORT_KEY, s(sortKey));
    }

    private static Map<String, AttributeValue> metaKey(String jobId) {
        return Map.of(PARTITION_KEY, s(JOB_PREFIX + jobId), SORT_KEY, s(META));
    }

    @Override
    public void beat(Beat beat) {
        if (!beat.replica().startsWith(Replicas.ID_PREFIX)) {
            throw new IllegalArgumentException("a replica id starts with " + Replicas.ID_PREFIX + ": " + beat.replica());
        }
        Map<String, AttributeValue> item = new HashMap<>(replicaKey(beat.replica()));
        item.put(Replicas.ADDRESS, s(beat.address()));
        item.put(Replicas.COUNT, n(beat.count()));
        item.put(Replicas.AT, n(beat.at()));
        item.put(Replicas.LIVE_JOBS, n(beat.liveJobs()));
        item.put(Replicas.BACKLOG, n(beat.backlog()));
        if (!beat.users().isEmpty()) {
            Map<String, AttributeValue> users = new HashMap<>();
            beat.users().forEach((user, f) -> users.put(user, AttributeValue.fromM(Map.of("r", n(f.running()), "q", n(f.queued()),
                    "w", d(f.workMillis()), "m", d(f.monthUsd()), "d", n(f.want()), "c", n(f.claim())))));
            item.put(Replicas.USERS, AttributeValue.fromM(users));
        }
        item.put(Replicas.TASK_SECONDS, d(beat.taskSeconds()));
        if (!beat.ec2().isEmpty()) {
            Map<String, AttributeValue> ec2 = new HashMap<>();
            beat.ec2().forEach((replica, share) -> ec2.put(replica,
                    AttributeValue.fromM(Map.of("s", d(share.workerSeconds()), "u", d(share.usd())))));
            item.put(Replicas.EC2, AttributeValue.fromM(ec2));
        }
        AwsErrors.call(SERVICE, () -> dynamo.putItem(b -> b.tableName(table).item(item)));
    }

    @Override
    public void leave(String replica) {
        AwsErrors.call(SERVICE, () -> dynamo.deleteItem(b -> b.tableName(table).key(replicaKey(replica))));
    }

    @Override
    public List<Beat> replicas() {
        return AwsErrors.call(SERVICE, () -> dynamo.queryPaginator(b -> b.tableName(table).consistentRead(true)
                        .keyConditionExpression(PARTITION_KEY + " = :p AND begins_with(" + SORT_KEY + ", :r)")
                        .expressionAttributeValues(Map.of(":p", s(Replicas.PARTITION), ":r", s(Replicas.ID_PREFIX))))
                .items().stream().map(DynamoDbReplicaStore::beat).toList());
    }

    private static Beat beat(Map<String, AttributeValue> i) {
        Map<String, UserFigures> users = new HashMap<>();
        if (i.containsKey(Replicas.USERS)) {
            i.get(Replicas.USERS).m().forEach((user, v) -> {
                Map<String, AttributeValue> f = v.m();
                users.put(user, new UserFigures(number(f, "r"), number(f, "q"), decimal(f, "w"), decimal(f, "m"),
                        number(f, "d"), number(f, "c")));
            });
        }
        Map<String, Ec2Share> ec2 = new HashMap<>();
        if (i.containsKey(Replicas.EC2)) {
            i.get(Replicas.EC2).m().forEach((replica, v) -> ec2.put(replica, new Ec2Share(decimal(v.m(), "s"), decimal(v.m(), "u"))));
        }
        return new Beat(i.get(SORT_KEY).s(), i.get(Replicas.ADDRESS).s(), number(i, Replicas.COUNT), number(i, Replicas.AT),
                (int) number(i, Replicas.LIVE_JOBS), number(i, Replicas.BACKLOG), users, decimal(i, Replicas.TASK_SECONDS), ec2);
    }

    /**
     * A Scan of the sparse index {@link DynamoDbSchema.Jobs#UNFINISHED_INDEX}: only unfinished jobs' entries,
     * not the table and its results. Index reads are eventually consistent: an owner or epoch read a moment
     * stale makes a take fail and the next periodic read try again. The first call also marks the jobs that
     * predate the index ({@link #markUnmarked}).
     */
    @Override
    public List<Owner> unfinished() {
        Map<String, Owner> found = new LinkedHashMap<>();
        if (!marked) {
            markUnmarked().forEach(o -> found.put(o.jobId(), o));
            marked = true;
        }
        AwsErrors.call(SERVICE, () -> dynamo.scanPaginator(b -> b.tableName(table).indexName(UNFINISHED_INDEX)
                        .projectionExpression("#job, #owner, #epoch")
                        .expressionAttributeNames(Map.of("#job", JOB_ID, "#owner", OWNER_REPLICA, "#epoch", EPOCH)))
                .items().stream().map(DynamoDbReplicaStore::owner).toList()).forEach(o -> found.putIfAbsent(o.jobId(), o));
        return List.copyOf(found.values());
    }

    /**
     * Once a process: a Scan of the whole table for unfinished meta items without {@link DynamoDbSchema.Jobs#UNFINISHED}
     * (written before the index existed, or by a replica of an older version), each marked by a write conditional
     * on the job being unfinished still and unmarked (so an ended job is never marked). Returns those marked.
     */
    private List<Owner> markUnmarked() {
        List<Owner> unmarked = AwsErrors.call(SERVICE, () -> dynamo.scanPaginator(b -> b.tableName(table)
                        .limit(DynamoDbJobStore.SCAN_PAGE)
                        .filterExpression("#sk = :meta AND #fin = :zero AND attribute_not_exists(#unfinished)")
                        .projectionExpression("#job, #owner, #epoch")
                        .expressionAttributeNames(Map.of("#sk", SORT_KEY, "#fin", FINISHED_AT, "#job", JOB_ID,
                                "#owner", OWNER_REPLICA, "#epoch", EPOCH, "#unfinished", UNFINISHED))
                        .expressionAttributeValues(Map.of(":meta", s(META), ":zero", n(0))))
                .items().stream().map(DynamoDbReplicaStore::owner).toList());
        return unmarked.stream().filter(o -> conditional(() -> dynamo.updateItem(b -> b.tableName(table).key(metaKey(o.jobId()))
                .updateExpression("SET #unfinished = :job")
                .conditionExpression("#fin = :zero AND attribute_not_exists(#unfinished)")
                .expressionAttributeNames(Map.of("#fin", FINISHED_AT, "#unfinished", UNFINISHED))
                .expressionAttributeValues(Map.of(":job", s(o.jobId()), ":zero", n(0)))))).toList();
    }

    private static Owner owner(Map<String, AttributeValue> i) {
        AttributeValue owner = i.get(OWNER_REPLICA);
        return new Owner(i.get(JOB_ID).s(), owner == null ? null : owner.s(), number(i, EPOCH));
    }

    @Override
    public Optional<Owner> owner(String jobId) {
        Map<String, AttributeValue> item = AwsErrors.call(SERVICE, () -> dynamo.getItem(b -> b.tableName(table)
                .consistentRead(true).key(metaKey(jobId))
                .projectionExpression("#job, #owner, #epoch")
                .expressionAttributeNames(Map.of("#job", JOB_ID, "#owner", OWNER_REPLICA, "#epoch", EPOCH)))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(owner(item));
    }

    @Override
    public boolean take(String jobId, String replica, long seen) {
        String condition = seen == 0 ? "attribute_exists(#pk) AND attribute_not_exists(#epoch)" : "#epoch = :seen";
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":me", s(replica), ":next", n(seen + 1)));
        Map<String, String> names = new HashMap<>(Map.of("#owner", OWNER_REPLICA, "#epoch", EPOCH));
        if (seen == 0) {
            names.put("#pk", PARTITION_KEY);
        } else {
            values.put(":seen", n(seen));
        }
        return conditional(() -> dynamo.updateItem(b -> b.tableName(table).key(metaKey(jobId))
                .updateExpression("SET #owner = :me, #epoch = :next").conditionExpression(condition)
                .expressionAttributeNames(names).expressionAttributeValues(values)));
    }

    @Override
    public boolean lead(String name, String replica, Optional<String> staleHolder) {
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":me", s(replica)));
        String condition = "attribute_not_exists(#holder) OR #holder = :me";
        if (staleHolder.isPresent()) {
            condition += " OR #holder = :stale";
            values.put(":stale", s(staleHolder.get()));
        }
        String c = condition;
        return conditional(() -> dynamo.updateItem(b -> b.tableName(table).key(replicaKey(Replicas.LEASE_PREFIX + name))
                .updateExpression("SET #holder = :me").conditionExpression(c)
                .expressionAttributeNames(Map.of("#holder", Replicas.HOLDER)).expressionAttributeValues(values)));
    }

    @Override
    public Optional<String> leader(String name) {
        Map<String, AttributeValue> item = AwsErrors.call(SERVICE, () -> dynamo.getItem(b -> b.tableName(table)
                .consistentRead(true).key(replicaKey(Replicas.LEASE_PREFIX + name)))).item();
        return item == null || !item.containsKey(Replicas.HOLDER) ? Optional.empty() : Optional.of(item.get(Replicas.HOLDER).s());
    }

    private static boolean conditional(Supplier<?> write) {
        try {
            AwsErrors.call(SERVICE, write);
            return true;
        } catch (InfrastructureException e) {
            if (e.getCause() instanceof ConditionalCheckFailedException) {
                return false;
            }
            throw e;
        }
    }
}
