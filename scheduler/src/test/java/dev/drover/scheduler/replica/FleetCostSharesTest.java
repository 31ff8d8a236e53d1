package dev.drover.scheduler.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.drover.core.port.ReplicaStore;
import dev.drover.scheduler.billing.FleetFigures;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The fleet's EC2 cost given once over the replicas: by the leader, by task-seconds, across a change of leader. */
class FleetCostSharesTest {
    static ReplicaStore.Beat leaderBeat(String id, Map<String, ReplicaStore.Ec2Share> given) {
        return new ReplicaStore.Beat(id, "x", 1, 0, 0, 0, Map.of(), 0, given);
    }

    @Test
    void theLeaderSharesWhatTheFleetBilledByTaskSecondsAndEachReplicaTakesItsPartOnce() {
        FleetCostShares leader = new FleetCostShares();
        FleetCostShares other = new FleetCostShares();
        // what was billed before it led is not its to give
        assertEquals(Map.of(), leader.lead(new FleetFigures(600, 6.0), Map.of("r-a", 10.0, "r-b", 0.0)));
        Map<String, ReplicaStore.Ec2Share> given = leader.lead(new FleetFigures(700, 7.0), Map.of("r-a", 40.0, "r-b", 10.0));
        assertEquals(0.75, given.get("r-a").usd(), 1e-9); // 30 of the 40 task-seconds since
        assertEquals(0.25, given.get("r-b").usd(), 1e-9);
        assertEquals(25, given.get("r-b").workerSeconds(), 1e-9);
        // a period with no task-seconds is carried into the next
        given = leader.lead(new FleetFigures(800, 8.0), Map.of("r-a", 40.0, "r-b", 10.0));
        assertEquals(0.75, given.get("r-a").usd(), 1e-9);
        given = leader.lead(new FleetFigures(800, 8.0), Map.of("r-a", 40.0, "r-b", 20.0));
        assertEquals(1.25, given.get("r-b").usd(), 1e-9);
        assertEquals(2.0, given.values().stream().mapToDouble(ReplicaStore.Ec2Share::usd).sum(), 1e-9, "what was billed since it led, once");

        assertEquals(1.25, other.received(Optional.of(leaderBeat("r-a", given)), "r-b").usd(), 1e-9);
        assertEquals(1.25, other.received(Optional.of(leaderBeat("r-a", given)), "r-b").usd(), 1e-9, "the same beat read again adds nothing");
        // a new leader starts afresh: what it gives adds to what the last one gave
        FleetCostShares next = new FleetCostShares();
        next.lead(new FleetFigures(900, 9.0), Map.of("r-b", 20.0));
        Map<String, ReplicaStore.Ec2Share> fromNext = next.lead(new FleetFigures(1000, 10.0), Map.of("r-b", 30.0));
        assertEquals(1.0, fromNext.get("r-b").usd(), 1e-9);
        assertEquals(2.25, other.received(Optional.of(leaderBeat("r-c", fromNext)), "r-b").usd(), 1e-9);
        assertEquals(2.25, other.received(Optional.empty(), "r-b").usd(), 1e-9, "no live leader: nothing new");
    }
}
