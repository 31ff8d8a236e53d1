package dev.drover.localaws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.aws.AwsClients;
import dev.drover.aws.DynamoDbJobStore;
import dev.drover.aws.DynamoDbReplicaStore;
import dev.drover.aws.DynamoDbSchema;
import dev.drover.core.contract.ReplicaStoreContract;
import dev.drover.core.model.JobStatus;
import dev.drover.core.port.Fence;
import dev.drover.core.port.JobRecord;
import dev.drover.core.port.JobStore;
import dev.drover.core.port.ReplicaStore;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The replica store's contract on the DynamoDB emulator (dynoxide), and what only the DynamoDB store has: its
 * replica ids' prefix, the sparse index of unfinished jobs and the marking of jobs written before it.
 */
class ReplicaStoreOnEmulatorsTest extends ReplicaStoreContract {
    static LocalAws localAws;
    static AwsClients aws;
    static DynamoDbReplicaStore replicas;
    static DynamoDbJobStore jobs;

    @BeforeAll
    static void start() {
        localAws = LocalAws.start(LocalAwsOptions.defaults(LocalAws.defaultEmulatorsDir()));
        aws = new AwsClients(localAws.endpoints().awsSettings());
        replicas = new DynamoDbReplicaStore(aws.dynamoDb(), localAws.endpoints().jobsTable());
        jobs = new DynamoDbJobStore(aws.dynamoDb(), localAws.endpoints().jobsTable());
    }

    @AfterAll
    static void stop() {
        aws.close();
        localAws.close();
    }

    @Override
    protected ReplicaStore replicas() {
        return replicas;
    }

    @Override
    protected JobStore jobs() {
        return jobs;
    }

    @Test
    void aReplicaIdIsNeverTakenForAJobsMetaItem() {
        assertThrows(IllegalArgumentException.class, () -> replicas.beat(new ReplicaStore.Beat("meta", "x", 1, 1, 0, 0)));
    }

    /** The job ids the sparse index holds, read straight from it. */
    static List<String> indexed() {
        return aws.dynamoDb().scanPaginator(b -> b.tableName(localAws.endpoints().jobsTable())
                .indexName(DynamoDbSchema.Jobs.UNFINISHED_INDEX)).items().stream()
                .map(i -> i.get(DynamoDbSchema.Jobs.JOB_ID).s()).toList();
    }

    @Test
    void theUnfinishedAreReadFromASparseIndexThatAJobLeavesInTheWriteThatEndsIt() {
        String running = "j" + UUID.randomUUID();
        String ended = "j" + UUID.randomUUID();
        Fence a = new Fence("r-a", 1);
        jobs.save(running(running), a);
        jobs.save(running(ended), a);
        jobs.appendResults(ended, "m1", List.of(result(ended, 0)), a);
        assertTrue(indexed().containsAll(List.of(running, ended)));

        jobs.save(new JobRecord(ended, "w.txt", "ann", 10, 10, List.of(), JobStatus.DONE, 1000, 5000), a);
        assertTrue(indexed().contains(running));
        assertFalse(indexed().contains(ended), "the save that ends a job takes it out of the index");
        assertTrue(replicas.unfinished().contains(new ReplicaStore.Owner(running, "r-a", 1)));
        assertFalse(replicas.unfinished().stream().anyMatch(o -> o.jobId().equals(ended)));
        assertTrue(replicas.take(running, "r-b", 1));
        assertTrue(replicas.unfinished().contains(new ReplicaStore.Owner(running, "r-b", 2)), "the index follows a take");
        Map<String, AttributeValue> entry = aws.dynamoDb().scanPaginator(b -> b.tableName(localAws.endpoints().jobsTable())
                .indexName(DynamoDbSchema.Jobs.UNFINISHED_INDEX)).items().stream()
                .filter(i -> i.get(DynamoDbSchema.Jobs.JOB_ID).s().equals(running)).findFirst().orElseThrow();
        assertEquals(Set.of("pk", "sk", "unfinished", "jobId", "ownerReplica", "epoch"), entry.keySet(),
                "the index holds what finding jobs to take needs, no more");
    }

    @Test
    void aJobWrittenBeforeTheIndexIsMarkedByAReplicasFirstReadAndOnlyThen() {
        DynamoDbReplicaStore early = new DynamoDbReplicaStore(aws.dynamoDb(), localAws.endpoints().jobsTable());
        early.unfinished(); // its one scan of the table is done
        String old = "j" + UUID.randomUUID();
        String oldEnded = "j" + UUID.randomUUID();
        jobs.save(running(old), new Fence("r-old", 3));
        jobs.save(new JobRecord(oldEnded, "w.txt", "ann", 10, 10, List.of(), JobStatus.DONE, 1000, 5000));
        unmark(old); // as an older version wrote it

        assertFalse(early.unfinished().stream().anyMatch(o -> o.jobId().equals(old)), "later reads are of the index only");
        DynamoDbReplicaStore started = new DynamoDbReplicaStore(aws.dynamoDb(), localAws.endpoints().jobsTable());
        List<ReplicaStore.Owner> found = started.unfinished();
        assertTrue(found.contains(new ReplicaStore.Owner(old, "r-old", 3)), found.toString());
        assertFalse(found.stream().anyMatch(o -> o.jobId().equals(oldEnded)), "an ended job is not marked");
        assertTrue(early.unfinished().contains(new ReplicaStore.Owner(old, "r-old", 3)), "marked: in the index for all");
        assertFalse(indexed().contains(oldEnded));
    }

    @Test
    void aJobsTableKeptFromARunBeforeTheIndexGainsItWithItsUnfinishedJobs() {
        String table = "jobs-before-index-" + UUID.randomUUID();
        aws.dynamoDb().createTable(b -> b.tableName(table).billingMode("PAY_PER_REQUEST")
                .keySchema(k -> k.attributeName("pk").keyType("HASH"), k -> k.attributeName("sk").keyType("RANGE"))
                .attributeDefinitions(d -> d.attributeName("pk").attributeType("S"), d -> d.attributeName("sk").attributeType("S")));
        String id = "j" + UUID.randomUUID();
        new DynamoDbJobStore(aws.dynamoDb(), table).save(running(id), new Fence("r-a", 1));
        LocalTables.create(aws.dynamoDb(), "claims-" + table, table);
        assertEquals(List.of(new ReplicaStore.Owner(id, "r-a", 1)),
                new DynamoDbReplicaStore(aws.dynamoDb(), table).unfinished());
        LocalTables.create(aws.dynamoDb(), "claims-" + table, table); // again: no change
    }

    static void unmark(String jobId) {
        aws.dynamoDb().updateItem(b -> b.tableName(localAws.endpoints().jobsTable())
                .key(Map.of("pk", AttributeValue.fromS("job#" + jobId), "sk", AttributeValue.fromS("meta")))
                .updateExpression("REMOVE unfinished"));
    }


}
