package dev.drover.core.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.memory.InMemoryPayloadStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class StoreRetentionTest {
    /** A clock the test moves. */
    static final class Hands extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void aJobsObjectsGoOnceOlderThanTheRetentionAndNothingElseDoes() {
        Hands clock = new Hands();
        InMemoryPayloadStore store = new InMemoryPayloadStore(clock);
        StoreRetention retention = new StoreRetention(store, Duration.ofDays(30), clock);
        store.put("workloads/j1", new byte[1]);
        store.put("payloads/p1", new byte[1]);
        store.put("files/" + "a".repeat(64), new byte[1]);
        store.put("outputs/j1/0/out.txt", new byte[1]);
        store.put("outputs/j1/0/.drover/stdout", new byte[1]);
        store.put("elsewhere/kept", new byte[1]);
        clock.now = clock.now.plus(Duration.ofDays(20));
        store.put("outputs/j2/0/out.txt", new byte[1]);
        assertEquals(0, retention.sweep(), "nothing is 30 days old yet");

        clock.now = clock.now.plus(Duration.ofDays(10)).plusSeconds(1);
        assertEquals(5, retention.sweep(), "job 1's workload, payload, files and outputs");
        assertFalse(store.exists("outputs/j1/0/.drover/stdout"));
        assertFalse(store.exists("workloads/j1"));
        assertTrue(store.exists("outputs/j2/0/out.txt"), "job 2's are 10 days old");
        assertTrue(store.exists("elsewhere/kept"), "only a job's prefixes expire");

        clock.now = clock.now.plus(Duration.ofDays(20));
        assertEquals(1, retention.sweep());
        assertEquals(0, retention.sweep());
    }

    @Test
    void aFilesPackThatAJobUsesAgainIsRenewedByTheSubmission() {
        Hands clock = new Hands();
        InMemoryPayloadStore store = new InMemoryPayloadStore(clock);
        StoreRetention retention = new StoreRetention(store, Duration.ofDays(30), clock);
        String pack = "files/" + "b".repeat(64);
        store.put(pack, new byte[] {1, 2});
        clock.now = clock.now.plus(Duration.ofDays(29));
        store.touch(pack); // what Scheduler.submit does for a job naming the pack
        clock.now = clock.now.plus(Duration.ofDays(29));
        assertEquals(0, retention.sweep());
        assertEquals(2, store.get(pack).length);
        clock.now = clock.now.plus(Duration.ofDays(2));
        assertEquals(1, retention.sweep());
    }

    @Test
    void aRetentionMustBePositive() {
        assertThrows(IllegalArgumentException.class,
                () -> new StoreRetention(new InMemoryPayloadStore(), Duration.ZERO, Clock.systemUTC()));
    }
}
