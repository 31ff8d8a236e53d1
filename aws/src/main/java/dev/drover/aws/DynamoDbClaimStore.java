package dev.drover.aws;

import static dev.drover.aws.DynamoDbSchema.Claims.CANCEL_PREFIX;
import static dev.drover.aws.DynamoDbSchema.Claims.CLAIM_COUNT;
import static dev.drover.aws.DynamoDbSchema.Claims.DONE;
import static dev.drover.aws.DynamoDbSchema.Claims.KEY;
import static dev.drover.aws.DynamoDbSchema.Claims.LEASE_UNTIL;
import static dev.drover.aws.DynamoDbSchema.Claims.OWNER;
import static dev.drover.aws.DynamoDbSchema.Claims.REPORTED;
import static dev.drover.aws.DynamoDbSchema.Claims.TTL;

import dev.drover.core.InfrastructureException;
import dev.drover.core.port.ClaimStore;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * Claims as conditional writes on one DynamoDB item per bundle. A claim is a single UpdateItem
 * whose failure carries the old item, so "done" and "busy" cost no extra read. The item keeps the
 * seqs of reported tasks as a number set, and a TTL so old claims go away by themselves. Attribute
 * names: {@link DynamoDbSchema.Claims}.
 */
public final class DynamoDbClaimStore implements ClaimStore {
    /** Done records must outlive every possible redelivery: SQS keeps a message 14 days at most. */
    public static final Duration RETENTION = Duration.ofDays(15);
    private static final String SERVICE = "DynamoDB";

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoDbClaimStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    private static Map<String, AttributeValue> key(String bundleId) {
        return Map.of(KEY, AttributeValue.fromS(bundleId));
    }

    private static AttributeValue n(long v) {
        return AttributeValue.fromN(Long.toString(v));
    }

    private static long ttl(Instant now) {
        return now.plus(RETENTION).getEpochSecond();
    }

    @Override
    public ClaimOutcome claim(String bundleId, String owner, Instant now, Duration lease) {
        Map<String, AttributeValue> values = Map.of(":me", AttributeValue.fromS(owner),
                ":now", n(now.toEpochMilli()), ":until", n(now.plus(lease).toEpochMilli()),
                ":false", AttributeValue.fromBool(false), ":one", n(1), ":ttl", n(ttl(now)));
        try {
            var item = AwsErrors.call(SERVICE, () -> dynamo.updateItem(b -> b.tableName(table).key(key(bundleId))
                    .conditionExpression("attribute_not_exists(" + KEY + ") OR (#done = :false AND " + LEASE_UNTIL + " < :now)")
                    .updateExpression("SET #owner = :me, " + LEASE_UNTIL + " = :until, #done = :false, " + TTL + " = :ttl ADD "
                            + CLAIM_COUNT + " :one")
                    .expressionAttributeNames(Map.of("#owner", OWNER, "#done", DONE))
                    .expressionAttributeValues(values)
                    .returnValues(ReturnValue.ALL_NEW)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD))).attributes();
            return new ClaimOutcome.Claimed(Integer.parseInt(item.get(CLAIM_COUNT).n()), reported(item));
        } catch (InfrastructureException e) {
            if (!(e.getCause() instanceof ConditionalCheckFailedException)) {
                throw e;
            }
            Map<String, AttributeValue> old = ((ConditionalCheckFailedException) e.getCause()).item();
            if (old == null || old.isEmpty()) {
                old = AwsErrors.call(SERVICE, () -> dynamo.getItem(b -> b.tableName(table).key(key(bundleId)).consistentRead(true))).item();
            }
            if (old.containsKey(DONE) && old.get(DONE).bool()) {
                return new ClaimOutcome.Done();
            }
            return new ClaimOutcome.Busy(Instant.ofEpochMilli(Long.parseLong(old.get(LEASE_UNTIL).n())));
        }
    }

    private static Set<Long> reported(Map<String, AttributeValue> item) {
        AttributeValue set = item.get(REPORTED);
        return set == null ? Set.of() : set.ns().stream().map(Long::parseLong).collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public boolean renew(String bundleId, String owner, Instant now, Duration lease, Set<Long> reported) {
        return ownerUpdate(bundleId, owner, now.plus(lease), reported);
    }

    @Override
    public void release(String bundleId, String owner, Instant now, Set<Long> reported) {
        ownerUpdate(bundleId, owner, now, reported);
    }

    /** Moves the lease end of a bundle this owner still holds, adding reported seqs; false if it does not. */
    private boolean ownerUpdate(String bundleId, String owner, Instant leaseUntil, Set<Long> reported) {
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":me", AttributeValue.fromS(owner),
                ":until", n(leaseUntil.toEpochMilli()), ":false", AttributeValue.fromBool(false)));
        String update = "SET " + LEASE_UNTIL + " = :until";
        if (!reported.isEmpty()) {
            values.put(":reported", AttributeValue.fromNs(reported.stream().map(String::valueOf).toList()));
            update += " ADD " + REPORTED + " :reported";
        }
        return conditionalUpdate(bundleId, "#owner = :me AND #done = :false", update, values);
    }

    @Override
    public boolean complete(String bundleId, String owner, Instant now) {
        return conditionalUpdate(bundleId, "attribute_not_exists(" + KEY + ") OR #owner = :me",
                "SET #done = :true, " + TTL + " = :ttl", Map.of(":true", AttributeValue.fromBool(true), ":ttl", n(ttl(now)),
                        ":me", AttributeValue.fromS(owner)));
    }

    /** One conditional update of a claim; a failed condition is a value (false), not an exception. */
    private boolean conditionalUpdate(String bundleId, String condition, String update, Map<String, AttributeValue> values) {
        try {
            AwsErrors.call(SERVICE, () -> dynamo.updateItem(b -> b.tableName(table).key(key(bundleId))
                    .conditionExpression(condition)
                    .updateExpression(update)
                    .expressionAttributeNames(Map.of("#owner", OWNER, "#done", DONE))
                    .expressionAttributeValues(values)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.NONE)));
            return true;
        } catch (InfrastructureException e) {
            if (e.getCause() instanceof ConditionalCheckFailedException) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public void cancelJob(String jobId, Instant now) {
        AwsErrors.call(SERVICE, () -> dynamo.putItem(b -> b.tableName(table).item(Map.of(
                KEY, AttributeValue.fromS(CANCEL_PREFIX + jobId), TTL, n(ttl(now))))));
    }

    @Override
    public boolean isCancelled(String jobId) {
        return AwsErrors.call(SERVICE, () -> dynamo.getItem(b -> b.tableName(table).key(key(CANCEL_PREFIX + jobId)))).hasItem();
    }
}
