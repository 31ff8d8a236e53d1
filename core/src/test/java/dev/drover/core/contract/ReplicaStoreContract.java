package dev.drover.core.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.codec.Json;
import dev.drover.core.model.JobStatus;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import dev.drover.core.port.Fence;
import dev.drover.core.port.FencedOutException;
import dev.drover.core.port.JobRecord;
import dev.drover.core.port.JobStore;
import dev.drover.core.port.ReplicaStore;
import dev.drover.core.port.ResultChunk;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ReplicaStore} adapter must do: heartbeats, singleton leases, and job owners with their
 * fence, which live on the job's record in the {@link JobStore} beside it (so the two are tested together).
 */
public abstract class ReplicaStoreContract {
    protected abstract ReplicaStore replicas();

    /** The job store whose records carry the owners {@link #replicas()} reads and takes. */
    protected abstract JobStore jobs();

    protected static JobRecord running(String id) {
        return new JobRecord(id, "w.txt", "ann", 10, 0, List.of(), JobStatus.RUNNING, 1000, 0);
    }

    protected static TaskResult result(String job, long seq) {
        return new TaskResult(job, seq, (int) seq, "true", TaskStatus.SUCCEEDED, 0, "", "", false, false, "w", 1, 2, 3, 1, null, 0, List.of());
    }

    @Test
    void eachReplicaHasOneHeartbeatItemThatEveryReplicaReads() {
        String a = "r-a" + UUID.randomUUID();
        String b = "r-b" + UUID.randomUUID();
        replicas().beat(new ReplicaStore.Beat(a, "127.0.0.1:1", 1, 100, 0, 0));
        replicas().beat(new ReplicaStore.Beat(b, "127.0.0.1:2", 1, 100, 0, 0));
        replicas().beat(new ReplicaStore.Beat(a, "127.0.0.1:1", 2, 200, 3, 40));
        List<ReplicaStore.Beat> seen = replicas().replicas();
        assertTrue(seen.contains(new ReplicaStore.Beat(a, "127.0.0.1:1", 2, 200, 3, 40)), seen.toString());
        assertTrue(seen.contains(new ReplicaStore.Beat(b, "127.0.0.1:2", 1, 100, 0, 0)), seen.toString());
        assertEquals(1, seen.stream().filter(r -> r.replica().equals(a)).count(), "a beat replaces the replica's last");
        replicas().leave(b);
        assertFalse(replicas().replicas().stream().anyMatch(r -> r.replica().equals(b)));
        assertTrue(jobs().list().stream().noneMatch(j -> j.jobId().startsWith("r-")), "heartbeats are not jobs");
    }

    @Test
    void aBeatCarriesItsUsersStandingsTaskSecondsAndTheLeadersCostShares() {
        String a = "r-a" + UUID.randomUUID();
        ReplicaStore.Beat beat = new ReplicaStore.Beat(a, "127.0.0.1:1", 7, 100, 2, 30,
                Map.of("ann", new ReplicaStore.UserFigures(3, 25, 1500.5, 0.000012345, 8, 4),
                        "bob#2", new ReplicaStore.UserFigures(0, 0, 0, 1.5e-12, 0, 2)),
                12.25, Map.of(a, new ReplicaStore.Ec2Share(61.5, 0.0042), "r-b", new ReplicaStore.Ec2Share(0, 0)));
        replicas().beat(beat);
        ReplicaStore.Beat read = replicas().replicas().stream().filter(r -> r.replica().equals(a)).findFirst().orElseThrow();
        assertEquals(beat, read);
        replicas().leave(a);
    }

    @Test
    void aTakeoverRaisesTheEpochAndFencesTheFormerOwnersEveryWrite() {
        String id = "j" + UUID.randomUUID();
        Fence a = new Fence("r-a", 1);
        jobs().save(running(id), a);
        assertEquals(Optional.of(new ReplicaStore.Owner(id, "r-a", 1)), replicas().owner(id));
        jobs().appendResults(id, "m1", List.of(result(id, 0)), a);
        jobs().appendResults(id, "m1", List.of(result(id, 0)), a); // a repeated chunk changes nothing
        assertTrue(replicas().unfinished().contains(new ReplicaStore.Owner(id, "r-a", 1)));

        assertTrue(replicas().take(id, "r-b", 1));
        assertFalse(replicas().take(id, "r-c", 1), "a second taker with the same view loses");
        Fence b = new Fence("r-b", 2);
        assertEquals(Optional.of(new ReplicaStore.Owner(id, "r-b", 2)), replicas().owner(id));
        assertTrue(replicas().unfinished().contains(new ReplicaStore.Owner(id, "r-b", 2)), "the unfinished follow a take");

        assertThrows(FencedOutException.class, () -> jobs().save(running(id), a));
        assertThrows(FencedOutException.class, () -> jobs().appendResults(id, "m2", List.of(result(id, 1)), a));
        assertThrows(FencedOutException.class,
                () -> jobs().appendResults(id, "m4", List.of(result(id, 3)), List.of(Json.write(result(id, 3))), a));
        assertThrows(FencedOutException.class, () -> jobs().appendResults(id, List.of(
                new ResultChunk("m5", List.of(result(id, 5)), null), new ResultChunk("m6", List.of(result(id, 6)), null)), a));
        jobs().appendResults(id, "m3", List.of(result(id, 2)), List.of(Json.write(result(id, 2))), b);
        jobs().appendResults(id, List.of(new ResultChunk("m3", List.of(result(id, 2)), null), // stored already: left as it is
                new ResultChunk("m7", List.of(result(id, 7)), List.of(Json.write(result(id, 7)))),
                new ResultChunk("m8", List.of(result(id, 8)), null)), b);
        jobs().save(running(id), b);
        List<Long> stored = new ArrayList<>();
        jobs().forEachResult(id, r -> stored.add(r.seq()));
        assertEquals(List.of(0L, 2L, 7L, 8L), stored.stream().sorted().toList(), "the fenced-out chunks were not stored");
        assertEquals(Optional.of(new ReplicaStore.Owner(id, "r-b", 2)), replicas().owner(id), "an owner's save keeps its fence");
        jobs().save(running(id));
        assertEquals(Optional.of(new ReplicaStore.Owner(id, "r-b", 2)), replicas().owner(id), "so does a save without one");

        jobs().save(new JobRecord(id, "w.txt", "ann", 10, 10, List.of(), JobStatus.DONE, 1000, 5000), b);
        assertFalse(replicas().unfinished().stream().anyMatch(o -> o.jobId().equals(id)), "an ended job is nobody's to take");
    }

    @Test
    void aFencedWriteForAJobThatIsNotThereOrHasNoOwnerIsRefused() {
        String none = "j-none-" + UUID.randomUUID();
        assertThrows(FencedOutException.class, () -> jobs().appendResults(none, "m1", List.of(result(none, 0)), new Fence("r-a", 1)));
        assertEquals(Optional.empty(), replicas().owner(none));
        String unowned = "j" + UUID.randomUUID();
        jobs().save(running(unowned));
        assertThrows(FencedOutException.class, () -> jobs().save(running(unowned), new Fence("r-a", 1)), "taken first, then written");
    }

    @Test
    void aJobFromBeforeReplicasIsTakenFromEpochZeroOnce() {
        String id = "j" + UUID.randomUUID();
        jobs().save(running(id));
        assertTrue(replicas().unfinished().contains(new ReplicaStore.Owner(id, null, 0)));
        assertTrue(replicas().take(id, "r-a", 0));
        assertFalse(replicas().take(id, "r-b", 0));
        assertFalse(replicas().take("j-none-" + UUID.randomUUID(), "r-a", 0), "no job, nothing to take");
        assertFalse(replicas().take("j-none-" + UUID.randomUUID(), "r-a", 1));
    }

    @Test
    void ofManyReplicasTakingTheSameJobsAtOnceEachJobGoesToExactlyOne() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String id = "j" + UUID.randomUUID();
            jobs().save(running(id), new Fence("r-dead", 1));
            ids.add(id);
        }
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<List<String>>> takers = new ArrayList<>();
            for (String me : List.of("r-1", "r-2", "r-3")) {
                takers.add(pool.submit((Callable<List<String>>) () -> ids.stream().filter(id -> replicas().take(id, me, 1)).toList()));
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
        assertEquals(Optional.empty(), replicas().leader(name));
        assertTrue(replicas().lead(name, "r-a", Optional.empty()));
        assertTrue(replicas().lead(name, "r-a", Optional.empty()), "the holder renews");
        assertFalse(replicas().lead(name, "r-b", Optional.empty()));
        assertFalse(replicas().lead(name, "r-b", Optional.of("r-x")), "judged gone: another replica, not the holder");
        assertTrue(replicas().lead(name, "r-b", Optional.of("r-a")));
        assertFalse(replicas().lead(name, "r-c", Optional.of("r-a")), "of two takers, one wins");
        assertEquals(Optional.of("r-b"), replicas().leader(name));
    }
}
