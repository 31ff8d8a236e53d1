package dev.drover.localaws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.aws.AwsClients;
import dev.drover.aws.DynamoDbJobStore;
import dev.drover.aws.DynamoDbReplicaStore;
import dev.drover.aws.DynamoDbSchema;
import dev.drover.core.codec.Json;
import dev.drover.core.model.JobStatus;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import dev.drover.core.port.Fence;
import dev.drover.core.port.FencedOutException;
import dev.drover.core.port.JobRecord;
import dev.drover.core.port.ReplicaStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Replica heartbeats, job ownership and its fence, on the DynamoDB emulator (dynoxide). */
class ReplicaStoreOnEmulatorsTest {
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

    static JobRecord running(String id) {
        return new JobRecord(id, "w.txt", "ann", 10, 0, List.of(), JobStatus.RUNNING, 1000, 0);
    }

    static TaskResult result(String job, long seq) {
        return new TaskResult(job, seq, (int) seq, "true", TaskStatus.SUCCEEDED, 0, "", "", false, false, "w", 1, 2, 3, 1, null, 0, List.of());
    }

    @Test
    void eachReplicaHasOneHeartbeatItemThatEveryReplicaReads() {
        String a = "r-a" + UUID.randomUUID();
        String b = "r-b" + UUID.randomUUID();
        replicas.beat(new ReplicaStore.Beat(a, "127.0.0.1:1", 1, 100, 0, 0));
        replicas.beat(new ReplicaStore.Beat(b, "127.0.0.1:2", 1, 100, 0, 0));
        replicas.beat(new ReplicaStore.Beat(a, "127.0.0.1:1", 2, 200, 3, 40));
        List<ReplicaStore.Beat> seen = replicas.replicas();
        assertTrue(seen.contains(new ReplicaStore.Beat(a, "127.0.0.1:1", 2, 200, 3, 40)), seen.toString());
        assertTrue(seen.contains(new ReplicaStore.Beat(b, "127.0.0.1:2", 1, 100, 0, 0)), seen.toString());
        replicas.leave(b);
        assertFalse(replicas.replicas().stream().anyMatch(r -> r.replica().equals(b)));
        assertTrue(jobs.list().stream().noneMatch(j -> j.jobId().startsWith("r-")), "heartbeats are not jobs");
        assertThrows(IllegalArgumentException.class, () -> replicas.beat(new ReplicaStore.Beat("meta", "x", 1, 1, 0, 0)));
    }

    @Test
    void aBeatCarriesItsUsersStandingsTaskSecondsAndTheLeadersCostShares() {
        String a = "r-a" + UUID.randomUUID();
        ReplicaStore.Beat beat = new ReplicaStore.Beat(a, "127.0.0.1:1", 7, 100, 2, 30,
                java.util.Map.of("ann", new ReplicaStore.UserFigures(3, 25, 1500.5, 0.000012345, 8, 4),
                        "bob#2", new ReplicaStore.UserFigures(0, 0, 0, 1.5e-12, 0, 2)),
                12.25, java.util.Map.of(a, new ReplicaStore.Ec2Share(61.5, 0.0042), "r-b", new ReplicaStore.Ec2Share(0, 0)));
        replicas.beat(beat);
        ReplicaStore.Beat read = replicas.replicas().stream().filter(r -> r.replica().equals(a)).findFirst().orElseThrow();
        assertEquals(beat, read);
        replicas.leave(a);
    }

    @Test
    void aTakeoverRaisesTheEpochAndFencesTheFormerOwnersEveryWrite() {
        String id = "j" + UUID.randomUUID();
        Fence a = new Fence("r-a", 1);
        jobs.save(running(id), a);
        assertEquals(Optional.of(new ReplicaStore.Owner(id, "r-a", 1)), replicas.owner(id));
        jobs.appendResults(id, "m1", List.of(result(id, 0)), a);
        jobs.appendResults(id, "m1", List.of(result(id, 0)), a); // a repeated chunk changes nothing
        assertTrue(replicas.unfinished().contains(new ReplicaStore.Owner(id, "r-a", 1)));

        assertTrue(replicas.take(id, "r-b", 1));
        assertFalse(replicas.take(id, "r-c", 1), "a second taker with the same view loses");
        Fence b = new Fence("r-b", 2);
        assertEquals(Optional.of(new ReplicaStore.Owner(id, "r-b", 2)), replicas.owner(id));

        assertThrows(FencedOutException.class, () -> jobs.save(running(id), a));
        assertThrows(FencedOutException.class, () -> jobs.appendResults(id, "m2", List.of(result(id, 1)), a));
        assertThrows(FencedOutException.class,
                () -> jobs.appendResults(id, "m4", List.of(result(id, 3)), List.of(Json.write(result(id, 3))), a));
        jobs.appendResults(id, "m3", List.of(result(id, 2)), List.of(Json.write(result(id, 2))), b); // lines encoded once
        jobs.save(running(id), b);
        List<Long> stored = new ArrayList<>();
        jobs.forEachResult(id, r -> stored.add(r.seq()));
        assertEquals(List.of(0L, 2L), stored.stream().sorted().toList(), "the fenced-out chunk was not stored");
        assertEquals(Optional.of(new ReplicaStore.Owner(id, "r-b", 2)), replicas.owner(id), "an owner's save keeps its fence");

        jobs.save(new JobRecord(id, "w.txt", "ann", 10, 10, List.of(), JobStatus.DONE, 1000, 5000), b);
        assertFalse(replicas.unfinished().stream().anyMatch(o -> o.jobId().equals(id)), "an ended job is nobody's to take");
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

    @Test
    void aJobFromBeforeReplicasIsTakenFromEpochZeroOnce() {
        String id = "j" + UUID.randomUUID();
        jobs.save(running(id));
        assertTrue(replicas.unfinished().contains(new ReplicaStore.Owner(id, null, 0)));
        assertTrue(replicas.take(id, "r-a", 0));
        assertFalse(replicas.take(id, "r-b", 0));
        assertFalse(replicas.take("j-none-" + UUID.randomUUID(), "r-a", 0), "no job, nothing to take");
    }

    @Test
    void ofManyReplicasTakingTheSameJobsAtOnceEachJobGoesToExactlyOne() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String id = "j" + UUID.randomUUID();
            jobs.save(running(id), new Fence("r-dead", 1));
            ids.add(id);
        }
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<List<String>>> takers = new ArrayList<>();
            for (String me : List.of("r-1", "r-2", "r-3")) {
                takers.add(pool.submit((Callable<List<String>>) () -> ids.stream().filter(id -> replicas.take(id, me, 1)).toList()));
            }
            List<String> taken = new ArrayList<>();
            for (Future<List<String>> f : takers) {
                taken.addAll(f.get());
            }
            assertEquals(ids.size(), taken.size(), "each job taken once: " + taken);
            assertEquals(ids.stream().sorted().toList(), taken.stream().sorted().toList());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aSingletonLeaseGoesToOneAndPassesOnlyFromAHolderJudgedGone() {
        String name = "fleet-" + UUID.randomUUID();
        assertTrue(replicas.lead(name, "r-a", Optional.empty()));
        assertTrue(replicas.lead(name, "r-a", Optional.empty()), "the holder renews");
        assertFalse(replicas.lead(name, "r-b", Optional.empty()));
        assertFalse(replicas.lead(name, "r-b", Optional.of("r-x")), "judged gone: another replica, not the holder");
        assertTrue(replicas.lead(name, "r-b", Optional.of("r-a")));
        assertFalse(replicas.lead(name, "r-c", Optional.of("r-a")), "of two takers, one wins");
        assertEquals(Optional.of("r-b"), replicas.leader(name));
    }
}
