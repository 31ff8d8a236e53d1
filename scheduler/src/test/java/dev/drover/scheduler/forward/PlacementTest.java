package dev.drover.scheduler.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.port.ReplicaStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The placement rule: a new job goes to the least-loaded live replica only when this one's load is clearly higher. */
class PlacementTest {
    private final List<ReplicaStore.Beat> others = new ArrayList<>();
    private final AtomicLong here = new AtomicLong();
    private final Placement placement = new Placement(() -> List.copyOf(others), here::get);

    private static ReplicaStore.Beat beat(String replica, long count, long backlog) {
        return new ReplicaStore.Beat(replica, replica + ":1", count, 0, 1, backlog);
    }

    @Test
    void aLoadedReplicaPlacesANewJobOnTheLeastLoadedOne() {
        here.set(600);
        others.add(beat("b", 1, 250));
        others.add(beat("c", 1, 40));
        Optional<Placement.Target> to = placement.elsewhere(50);
        assertEquals("c", to.orElseThrow().replica());
        assertEquals("c:1", to.get().address());
        assertEquals(40, to.get().load());
    }

    @Test
    void evenLoadsNearLoadsAndSmallJobsStayHere() {
        here.set(300);
        others.add(beat("b", 1, 300));
        assertTrue(placement.elsewhere(50).isEmpty(), "even");
        others.set(0, beat("b", 1, 160));
        assertTrue(placement.elsewhere(50).isEmpty(), "300 is not more than twice 160");
        here.set(90);
        others.set(0, beat("b", 1, 0));
        assertTrue(placement.elsewhere(50).isEmpty(), "a gap under " + Placement.MIN_GAP + " tasks");
        here.set(5000);
        assertTrue(placement.elsewhere(Placement.SMALL_JOB - 1).isEmpty(), "a small job");
        assertTrue(placement.elsewhere(Placement.SMALL_JOB).isPresent());
        others.clear();
        assertTrue(placement.elsewhere(1000).isEmpty(), "nobody else is live");
    }

    /** Jobs placed since a replica's last beat count in its load, so a burst of submits does not all go to it. */
    @Test
    void whatWasPlacedCountsUntilTheTargetsBeatsCarryIt() {
        here.set(1000);
        others.add(beat("b", 7, 0));
        Placement.Target first = placement.elsewhere(400).orElseThrow();
        placement.placed(first, 400);
        assertEquals(400, placement.elsewhere(100).orElseThrow().load(), "b's beat does not carry it yet");
        placement.placed(placement.elsewhere(100).orElseThrow(), 100);
        assertTrue(placement.elsewhere(100).isEmpty(), "1000 is not more than twice 500");
        here.set(2000);
        others.set(0, beat("b", 8, 0)); // written maybe before b took the jobs: still counted
        assertEquals(500, placement.elsewhere(100).orElseThrow().load());
        others.set(0, beat("b", 9, 500)); // two beats on: b's own figure carries them
        assertEquals(500, placement.elsewhere(100).orElseThrow().load(), "not counted twice");
    }

    @Test
    void aJobsSizeIsReadFromTheStartOfItsBody() {
        assertEquals(3, Placement.tasksIn(bytes("# three\n@timeout 5s\nsleep 1\necho a\n\necho b\n"), true));
        assertEquals(Placement.SMALL_JOB, Placement.tasksIn(bytes("@replicas 100\necho x\n"), true), "counted up to small");
        assertEquals(Placement.SMALL_JOB, Placement.tasksIn(bytes("echo x\n"), false), "a body longer than the peek is no small job");
        assertEquals(0, Placement.tasksIn(bytes("@bogus\n"), true), "no workload: refused here");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
