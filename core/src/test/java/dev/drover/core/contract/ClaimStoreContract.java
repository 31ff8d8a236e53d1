package dev.drover.core.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.port.ClaimStore;
import dev.drover.core.port.ClaimStore.ClaimOutcome;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What every {@link ClaimStore} adapter must do: the claim/lease/done protocol of the design. */
public abstract class ClaimStoreContract {
    protected abstract ClaimStore store();

    private static final Duration LEASE = Duration.ofSeconds(30);
    /**
     * Now, not a fixed date: a store that deletes by TTL (DynamoDB, dynoxide) drops a claim its
     * retention after the time it was written for, and a fixed date would expire these claims
     * once the wall clock passes it.
     */
    private final Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    private static String bundle() {
        return "job:" + UUID.randomUUID();
    }

    @Test
    void theFirstClaimWinsAndASecondOwnerIsBusy() {
        String b = bundle();
        ClaimOutcome first = store().claim(b, "w1", t0, LEASE);
        assertEquals(new ClaimOutcome.Claimed(1, Set.of()), first);
        ClaimOutcome second = store().claim(b, "w2", t0.plusSeconds(1), LEASE);
        assertInstanceOf(ClaimOutcome.Busy.class, second);
    }

    @Test
    void aDoneBundleIsADuplicateForever() {
        String b = bundle();
        store().claim(b, "w1", t0, LEASE);
        store().complete(b, "w1", t0.plusSeconds(1));
        assertInstanceOf(ClaimOutcome.Done.class, store().claim(b, "w2", t0.plusSeconds(2), LEASE));
        assertInstanceOf(ClaimOutcome.Done.class, store().claim(b, "w2", t0.plus(Duration.ofDays(1)), LEASE));
    }

    /**
     * The worker's promise after complete() is "every later delivery is a duplicate" (it deletes the
     * message next); that must hold even when the bundle has no record, as DynamoDB's unconditional
     * update gives.
     */
    @Test
    void completingABundleWithNoRecordMarksItDone() {
        String b = bundle();
        assertTrue(store().complete(b, "w1", t0));
        assertInstanceOf(ClaimOutcome.Done.class, store().claim(b, "w2", t0.plusSeconds(1), LEASE));
        assertFalse(store().renew(b, "w1", t0.plusSeconds(2), LEASE, Set.of(0L)), "a done bundle has no lease to renew");
    }

    @Test
    void aLapsedLeaseCanBeTakenOverAndKeepsTheReportedTasks() {
        String b = bundle();
        store().claim(b, "w1", t0, LEASE);
        assertTrue(store().renew(b, "w1", t0.plusSeconds(10), LEASE, Set.of(0L, 1L)));
        ClaimOutcome taken = store().claim(b, "w2", t0.plusSeconds(41), LEASE);
        assertEquals(new ClaimOutcome.Claimed(2, Set.of(0L, 1L)), taken);
        assertFalse(store().renew(b, "w1", t0.plusSeconds(42), LEASE, Set.of(2L)), "the old owner lost its lease");
    }

    @Test
    void onlyTheOwnerCompletesABundle() {
        String b = bundle();
        store().claim(b, "w1", t0, LEASE);
        store().claim(b, "w2", t0.plusSeconds(41), LEASE); // w1's lease lapsed without w1 noticing
        assertFalse(store().complete(b, "w1", t0.plusSeconds(42)), "the old owner cannot settle its successor's bundle");
        assertInstanceOf(ClaimOutcome.Busy.class, store().claim(b, "w3", t0.plusSeconds(43), LEASE), "still w2's, not done");
        assertTrue(store().complete(b, "w2", t0.plusSeconds(44)));
        assertInstanceOf(ClaimOutcome.Done.class, store().claim(b, "w3", t0.plusSeconds(45), LEASE));
    }

    @Test
    void renewingExtendsTheLease() {
        String b = bundle();
        store().claim(b, "w1", t0, LEASE);
        assertTrue(store().renew(b, "w1", t0.plusSeconds(25), LEASE, Set.of()));
        assertInstanceOf(ClaimOutcome.Busy.class, store().claim(b, "w2", t0.plusSeconds(40), LEASE));
    }

    @Test
    void releaseHandsTheBundleOverAtOnce() {
        String b = bundle();
        store().claim(b, "w1", t0, LEASE);
        store().release(b, "w1", t0.plusSeconds(1), Set.of(3L));
        assertEquals(new ClaimOutcome.Claimed(2, Set.of(3L)), store().claim(b, "w2", t0.plusSeconds(2), LEASE));
    }

    @Test
    void cancellationIsVisibleToEveryone() {
        String job = "job-" + UUID.randomUUID();
        assertFalse(store().isCancelled(job));
        store().cancelJob(job, t0);
        assertTrue(store().isCancelled(job));
    }
}
