package dev.drover.scheduler.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.port.ReplicaStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The claims on a user's running quota, with replicas whose beat writes and reads interleave in every
 * order a random schedule makes: the tasks they hold together never pass the quota, and the quota is used.
 */
class RunningClaimsTest {
    static final String USER = "ann";

    /** One replica: its claims, the beat it last wrote, and the tasks it holds and has still to send. */
    static final class Replica {
        final String id;
        final RunningClaims claims = new RunningClaims();
        ReplicaStore.Beat beat;
        Map<String, Long> written;
        long running;
        long unsent;

        Replica(String id, long unsent) {
            this.id = id;
            this.unsent = unsent;
            this.beat = beat(Map.of());
        }

        Map<String, RunningClaims.Own> own() {
            return running + unsent == 0 ? Map.of() : Map.of(USER, new RunningClaims.Own(running, unsent));
        }

        ReplicaStore.Beat beat(Map<String, Long> claims) {
            long want = running + unsent;
            long claim = claims.getOrDefault(USER, 0L);
            return new ReplicaStore.Beat(id, "x", 1, 0, 0, 0, Map.of(USER, new ReplicaStore.UserFigures(running, want, 0, 0, want, claim)),
                    0, Map.of());
        }

        /** The dispatcher: sends while it holds fewer than its cap. */
        void dispatch() {
            long send = Math.min(unsent, Math.max(0, claims.cap(USER) - running));
            unsent -= send;
            running += send;
        }
    }

    @Test
    void replicasTogetherNeverHoldMoreThanTheQuotaWhateverTheOrderOfTheirBeats() {
        long quota = 5;
        long mostEver = 0;
        for (int seed = 0; seed < 2000; seed++) {
            Random random = new Random(seed);
            List<Replica> replicas = new ArrayList<>();
            for (int i = 0; i < 2 + random.nextInt(2); i++) {
                replicas.add(new Replica("r-" + i, random.nextInt(12)));
            }
            long most = 0;
            for (int step = 0; step < 300; step++) {
                Replica r = replicas.get(random.nextInt(replicas.size()));
                switch (random.nextInt(4)) {
                    case 0 -> { // a beat is written
                        r.written = r.claims.toPublish(r.own());
                        r.beat = r.beat(r.written);
                    }
                    case 1 -> { // everyone's beats are read
                        List<ReplicaStore.Beat> others = replicas.stream().filter(o -> o != r).map(o -> o.beat).toList();
                        r.claims.settle(r.written, others, r.own(), quota, r.id);
                        r.written = null;
                    }
                    case 2 -> r.dispatch();
                    default -> r.running = Math.max(0, r.running - random.nextInt(2)); // a task ends
                }
                long held = replicas.stream().mapToLong(x -> x.running).sum();
                assertTrue(held <= quota, "seed " + seed + " step " + step + ": " + held + " held over a quota of " + quota);
                most = Math.max(most, held);
            }
            mostEver = Math.max(mostEver, most);
        }
        assertEquals(quota, mostEver, "the quota was reached in some schedule");
    }

    @Test
    void twoReplicasWantingMoreThanTheQuotaShareItAllAfterAFewBeats() {
        long quota = 3;
        Replica a = new Replica("r-a", 12);
        Replica b = new Replica("r-b", 12);
        for (int beat = 0; beat < 10; beat++) {
            for (Replica r : List.of(a, b)) {
                r.written = r.claims.toPublish(r.own());
                r.beat = r.beat(r.written);
            }
            for (Replica r : List.of(a, b)) {
                r.claims.settle(r.written, List.of(r == a ? b.beat : a.beat), r.own(), quota, r.id);
                r.dispatch();
            }
        }
        assertEquals(quota, a.running + b.running, "the whole quota is used: " + a.running + " + " + b.running);
    }
}
