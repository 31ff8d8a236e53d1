package dev.drover.scheduler.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A forwarded caller's name is taken only from a replica's signature over this very request, within its window. */
class ReplicaCredentialTest {
    static final Instant NOW = Instant.parse("2026-12-06T08:00:00Z");
    static final byte[] SHARED = filled(7);
    static final String TARGET = "/jobs/j1abc/results?follow=true";

    static byte[] filled(int b) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) b);
        return key;
    }

    static ReplicaCredential at(Instant when, byte[] key) {
        return ReplicaCredential.derivedFrom(key, Clock.fixed(when, ZoneOffset.UTC));
    }

    @Test
    void anotherReplicaWithTheSharedKeyReadsTheCallersName() {
        String header = at(NOW, SHARED).sign("alice", "GET", TARGET);
        assertEquals(Optional.of("alice"), at(NOW.plusSeconds(2), SHARED).verify(header, "GET", TARGET));
    }

    @Test
    void aSignatureOpensOnlyTheRequestItWasMadeFor() {
        String header = at(NOW, SHARED).sign("alice", "GET", TARGET);
        ReplicaCredential owner = at(NOW, SHARED);
        assertEquals(Optional.empty(), owner.verify(header, "POST", TARGET));
        assertEquals(Optional.empty(), owner.verify(header, "GET", "/jobs/j1abc/cancel"));
        assertEquals(Optional.empty(), owner.verify(header.replaceFirst("^alice", "admin"), "GET", TARGET), "a name swapped in");
    }

    @Test
    void aClientWithoutTheKeyCannotMakeOne() {
        String forged = at(NOW, filled(9)).sign("admin", "GET", TARGET);
        assertEquals(Optional.empty(), at(NOW, SHARED).verify(forged, "GET", TARGET));
        for (String junk : new String[] {"admin", "admin;1;", ";;", "admin;x;AAAA", "admin;" + NOW.toEpochMilli() + ";not base64!",
                "admin;" + NOW.toEpochMilli() + ";AAAA"}) {
            assertEquals(Optional.empty(), at(NOW, SHARED).verify(junk, "GET", TARGET), junk);
        }
    }

    @Test
    void aSignatureIsGoodForItsWindowOnly() {
        String header = at(NOW, SHARED).sign("alice", "GET", TARGET);
        assertEquals(Optional.of("alice"), at(NOW.plus(ReplicaCredential.WINDOW), SHARED).verify(header, "GET", TARGET));
        assertEquals(Optional.empty(), at(NOW.plus(ReplicaCredential.WINDOW).plusMillis(1), SHARED).verify(header, "GET", TARGET));
        assertEquals(Optional.empty(), at(NOW.minus(ReplicaCredential.WINDOW).minusMillis(1), SHARED).verify(header, "GET", TARGET));
    }

    @Test
    void aShortSharedKeyIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ReplicaCredential.derivedFrom(new byte[16], Clock.systemUTC()));
    }
}
