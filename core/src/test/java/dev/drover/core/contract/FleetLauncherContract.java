package dev.drover.core.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.port.FleetLauncher;
import dev.drover.core.port.FleetLauncher.Member;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What every {@link FleetLauncher} adapter must do, for EC2 instances and local processes alike.
 * Adapters are built on the system clock, so launch and stop times are compared with it.
 */
public abstract class FleetLauncherContract {
    /** A launcher with no members yet, allowed at least five live workers. */
    protected abstract FleetLauncher newLauncher();

    /** Makes the worker stop as it would by itself (idle exit, crash, instance terminated). */
    protected abstract void stop(FleetLauncher launcher, String id);

    /** How long {@link FleetLauncher#members} may take to show that a worker stopped. */
    protected Duration settle() {
        return Duration.ofSeconds(10);
    }

    private static Map<String, Member> byId(List<Member> members) {
        return members.stream().collect(Collectors.toMap(Member::id, Function.identity()));
    }

    @Test
    void launchingNReturnsNIdsThatMembersListsAliveWithTheirLaunchTime() {
        FleetLauncher launcher = newLauncher();
        long before = System.currentTimeMillis();
        List<String> ids = launcher.launch(3);
        long after = System.currentTimeMillis();

        assertEquals(3, ids.size(), "ids: " + ids);
        assertEquals(3, new HashSet<>(ids).size(), "distinct ids: " + ids);
        Map<String, Member> members = byId(launcher.members());
        assertEquals(new HashSet<>(ids), members.keySet());
        for (String id : ids) {
            Member m = members.get(id);
            assertTrue(m.alive(), id + " is alive: " + m);
            assertEquals(0, m.stoppedAt());
            assertTrue(m.launchedAt() >= before && m.launchedAt() <= after, id + " launched at " + m.launchedAt()
                    + ", not within [" + before + ", " + after + "]");
        }
    }

    @Test
    void launchesAddUp() {
        FleetLauncher launcher = newLauncher();
        List<String> first = launcher.launch(1);
        List<String> second = launcher.launch(2);
        assertEquals(1, first.size());
        assertEquals(2, second.size());
        HashSet<String> all = new HashSet<>(first);
        all.addAll(second);
        assertEquals(3, all.size(), "a later launch never reuses an id");
        assertEquals(all, byId(launcher.members()).keySet());
    }

    @Test
    void launchingZeroLaunchesNothing() {
        FleetLauncher launcher = newLauncher();
        assertEquals(List.of(), launcher.launch(0));
        assertEquals(List.of(), launcher.members());
    }

    @Test
    void aMemberThatStopsStaysListedWithItsStopTime() throws InterruptedException {
        FleetLauncher launcher = newLauncher();
        List<String> ids = launcher.launch(2);
        String gone = ids.get(0);
        String staying = ids.get(1);
        long launchedAt = byId(launcher.members()).get(gone).launchedAt();

        long beforeStop = System.currentTimeMillis();
        stop(launcher, gone);
        long deadline = System.nanoTime() + settle().toNanos();
        Member m = byId(launcher.members()).get(gone);
        while (m.alive() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            m = byId(launcher.members()).get(gone);
        }
        long after = System.currentTimeMillis();

        assertTrue(!m.alive(), gone + " shows as stopped within " + settle() + ": " + m);
        assertEquals(launchedAt, m.launchedAt(), "stopping does not move the launch time");
        assertTrue(m.stoppedAt() >= beforeStop && m.stoppedAt() <= after, "stopped at " + m.stoppedAt()
                + ", not within [" + beforeStop + ", " + after + "]");
        assertTrue(m.lifetimeMillis(after + 60_000) == m.stoppedAt() - m.launchedAt(), "a stopped lifetime is fixed");
        Map<String, Member> members = byId(launcher.members());
        assertTrue(members.get(staying).alive(), "the other worker is still alive");
        assertEquals(m, members.get(gone), "a later listing does not move the stop time");
    }
}
