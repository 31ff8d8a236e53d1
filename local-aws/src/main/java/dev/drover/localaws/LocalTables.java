package dev.drover.localaws;

import dev.drover.aws.DynamoDbSchema;
import dev.drover.aws.DynamoDbSchema.Jobs;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

/** Drover's two tables on dynoxide, as the CDK app makes them on AWS: keys, TTL and the jobs table's index. */
final class LocalTables {
    private LocalTables() {}

    static void create(DynamoDbClient dynamoDb, String claimsTable, String jobsTable) {
        createTable(dynamoDb, claimsTable, List.of(key(DynamoDbSchema.Claims.KEY, KeyType.HASH)), List.of());
        enableTtl(dynamoDb, claimsTable, DynamoDbSchema.Claims.TTL);
        createTable(dynamoDb, jobsTable, List.of(key(Jobs.PARTITION_KEY, KeyType.HASH), key(Jobs.SORT_KEY, KeyType.RANGE)),
                List.of(unfinishedIndex()));
        // a table kept from a run before the index: dynoxide adds it and indexes the items there (as AWS backfills)
        boolean indexed = dynamoDb.describeTable(r -> r.tableName(jobsTable)).table().globalSecondaryIndexes().stream()
                .anyMatch(i -> i.indexName().equals(Jobs.UNFINISHED_INDEX));
        if (!indexed) {
            dynamoDb.updateTable(r -> r.tableName(jobsTable).attributeDefinitions(string(Jobs.UNFINISHED))
                    .globalSecondaryIndexUpdates(u -> u.create(c -> c.indexName(Jobs.UNFINISHED_INDEX)
                            .keySchema(unfinishedIndex().keySchema()).projection(unfinishedIndex().projection()))));
        }
        // as on AWS, and dynoxide deletes expired items too; the scheduler's sweeper deletes them on time
        enableTtl(dynamoDb, jobsTable, Jobs.TTL);
    }

    /** Sparse: only the meta items of unfinished jobs carry its key; it holds what finding them to take needs. */
    private static GlobalSecondaryIndex unfinishedIndex() {
        return GlobalSecondaryIndex.builder().indexName(Jobs.UNFINISHED_INDEX)
                .keySchema(key(Jobs.UNFINISHED, KeyType.HASH))
                .projection(Projection.builder().projectionType(ProjectionType.INCLUDE)
                        .nonKeyAttributes(Jobs.JOB_ID, Jobs.OWNER_REPLICA, Jobs.EPOCH).build())
                .build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }

    private static AttributeDefinition string(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    private static void enableTtl(DynamoDbClient dynamoDb, String table, String attribute) {
        TimeToLiveStatus ttl = dynamoDb.describeTimeToLive(r -> r.tableName(table)).timeToLiveDescription().timeToLiveStatus();
        if (ttl != TimeToLiveStatus.ENABLED && ttl != TimeToLiveStatus.ENABLING) {
            dynamoDb.updateTimeToLive(r -> r.tableName(table)
                    .timeToLiveSpecification(s -> s.enabled(true).attributeName(attribute)));
        }
    }

    private static void createTable(DynamoDbClient dynamoDb, String name, List<KeySchemaElement> keys,
                                    List<GlobalSecondaryIndex> indexes) {
        List<AttributeDefinition> attributes = new ArrayList<>(keys.stream().map(k -> string(k.attributeName())).toList());
        indexes.forEach(i -> i.keySchema().forEach(k -> attributes.add(string(k.attributeName()))));
        try {
            // dynoxide makes tables (and indexes) ACTIVE at once: no need to wait.
            dynamoDb.createTable(r -> r.tableName(name).keySchema(keys).attributeDefinitions(attributes)
                    .globalSecondaryIndexes(indexes.isEmpty() ? null : indexes)
                    .billingMode(BillingMode.PAY_PER_REQUEST));
        } catch (ResourceInUseException e) {
            // Kept from an earlier run.
        }
    }
}
