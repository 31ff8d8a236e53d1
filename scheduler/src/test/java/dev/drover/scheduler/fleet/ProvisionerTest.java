package dev.drover.scheduler.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import dev.drover.core.port.FleetLauncher.Member;
import dev.drover.core.port.FleetLauncher;
import dev.drover.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProvisionerTest {

    /** Launches nothing real: records each launch and lets the test stop workers. */
    static final class RecordingLauncher implements FleetLauncher {
        final List<Integer> launches = new ArrayList<>();
        final Map<String, Member> members = new LinkedHashMap<>();
        final MutableClock clock;

        RecordingLauncher(MutableClock clock) {
            this.clock = clock;
        }

        @Override
        public List<String> launch(int count) {
            launches.add(count);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String id = "w" + (members.size() + 1);
                members.put(id, new Member(id, clock.millis(), 0));
                ids.add(id);
            }
            return ids;
        }

        @Override
        public List<Member> members() {
            return new ArrayList<>(members.values());
        }

        void stopAll() {
            members.replaceAll((id, m) -> m.alive() ? new Member(id, m.launchedAt(), clock.millis()) : m);
        }
    }

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
    final RecordingLauncher launcher = new RecordingLauncher(clock);
    Demand demand = new Demand(0, 0.01, Set.of());

    Provisioner provisioner(int max, int threads, Duration latency) {
        return new Provisioner(new Provisioner.Config(max, threads, latency, Duration.ofMillis(250), 0.085, 0),
                launcher, () -> demand, clock);
    }

    @Test
    void aFixedFleetReplacesADeadMemberWhileThereIsWork() {
        Provisioner p = new Provisioner(new Provisioner.Config(100, 4, Duration.ofSeconds(10), Duration.ofMillis(250), 0.085, 0)
                .fixed(2), launcher, () -> demand, clock);
        demand = new Demand(10_000, 0.01, Set.of());
        p.tick();
        assertEquals(List.of(2), launcher.launches, "its size, whatever the backlog");
        launcher.stopAll(); // both die (kill -9, or idle exits while another holds the work)
        clock.advance(Duration.ofSeconds(1));
        p.tick();
        assertEquals(List.of(2, 2), launcher.launches, "replaced by the same code path");
        demand = new Demand(0, 0.01, Set.of());
        launcher.stopAll();
        p.tick();
        assertEquals(List.of(2, 2), launcher.launches, "no work, no workers");
    }

    @Test
    void aBurstGivesOneDecisionForTheFullCount() {
        Provisioner p = provisioner(100, 1, Duration.ofSeconds(2));
        demand = new Demand(10_000, 0.01, Set.of()); // a worker clears 200 tasks in 2 s
        p.tick();
        assertEquals(List.of(50), launcher.launches);
        for (int i = 0; i < 10; i++) {
            clock.advance(Duration.ofMillis(250));
            p.tick();
        }
        assertEquals(List.of(50), launcher.launches, "workers still booting count as live: no second launch");
        assertEquals(50L, p.status().get("booting"));
    }

    @Test
    void neverAboveTheCap() {
        Provisioner p = provisioner(4, 1, Duration.ofSeconds(2));
        demand = new Demand(2_000, 0.01, Set.of());
        p.tick();
        p.tick();
        assertEquals(List.of(4), launcher.launches);
        assertEquals(4, p.status().get("desired"));
        assertEquals(4, p.status().get("peakWorkers"));
    }

    @Test
    void peakCountsWorkersAliveAtOnceFromTheirLifetimes() {
        List<Member> members = List.of(new Member("a", 0, 10), new Member("b", 5, 15),
                new Member("c", 10, 20), // launched as a stopped: two at once, not three
                new Member("d", 12, 0)); // still alive: b, c and d overlap from 12 to 15
        assertEquals(3, Provisioner.peak(members));
        assertEquals(0, Provisioner.peak(List.of()));
    }

    @Test
    void growsByTheDifferenceWhenTheBacklogGrows() {
        Provisioner p = provisioner(10, 2, Duration.ofSeconds(1));
        demand = new Demand(400, 0.01, Set.of()); // 200 per worker → 2
        p.tick();
        demand = new Demand(1_000, 0.01, Set.of("w1", "w2")); // → 5
        p.tick();
        assertEquals(List.of(2, 3), launcher.launches);
        assertEquals(2L, p.status().get("running"));
    }

    @Test
    void anEmptyBacklogLaunchesNothingAndAnIdleFleetReachesZero() {
        Provisioner p = provisioner(4, 1, Duration.ofSeconds(2));
        p.tick();
        assertEquals(List.of(), launcher.launches);
        demand = new Demand(100, 0.5, Set.of());
        p.tick();
        assertEquals(List.of(4), launcher.launches);
        demand = new Demand(0, 0.5, Set.of("w1", "w2", "w3", "w4"));
        clock.advance(Duration.ofSeconds(30));
        launcher.stopAll(); // the workers stop themselves after their idle timeout
        p.tick();
        Map<String, Object> s = p.status();
        assertEquals(0, s.get("desired"));
        assertEquals(0L, s.get("live"));
        assertEquals(List.of(4), launcher.launches, "nothing relaunched");
        assertEquals(120.0, s.get("workerSeconds"));
        // 4 × 30 s billed as 4 × 60 s minimum at $0.085 an hour
        assertEquals(Math.round(240 * 0.085 / 3600 * 1e6) / 1e6, s.get("costUsd"));
    }

    @Test
    void theLawFollowsTheUsersLatency() {
        Provisioner.Config fast = new Provisioner.Config(1000, 4, Duration.ofMillis(500), Duration.ofMillis(250), 0, 0);
        Provisioner.Config slow = new Provisioner.Config(1000, 4, Duration.ofSeconds(60), Duration.ofMillis(250), 0, 0);
        Demand d = new Demand(10_000, 0.1, Set.of());
        assertEquals(500, Provisioner.desired(d, fast)); // 4 threads / 0.1 s × 0.5 s = 20 tasks a worker
        assertEquals(5, Provisioner.desired(d, slow));
    }
}
