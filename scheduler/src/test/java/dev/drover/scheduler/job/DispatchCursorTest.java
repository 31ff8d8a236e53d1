package dev.drover.scheduler.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cursor's held ranges: passed at the cursor, sent or cancelled from their start, saved and restored whole. */
class DispatchCursorTest {
    @Test
    void aCursorThatNeverHoldsSavesNothingExtra() {
        DispatchCursor c = new DispatchCursor();
        c.sending(List.of(3, 2));
        assertEquals(5, c.dispatched());
        assertEquals(List.of(), c.saved(), "a job that never waits pays nothing in its record");
        assertEquals(0, c.heldTasks());
        assertFalse(c.isHeld(2));
    }

    @Test
    void heldRangesArePassedSentFromTheirStartAndSavedWithWhereTheBatchStarts() {
        DispatchCursor c = new DispatchCursor();
        c.sending(List.of(2)); // 0, 1
        c.hold(2, 6); // a stage that waits
        c.sending(List.of(3)); // 6, 7, 8: the lines below flow
        assertEquals(9, c.dispatched());
        assertEquals(4, c.heldTasks());
        assertTrue(c.isHeld(2) && c.isHeld(5));
        assertFalse(c.isHeld(6) || c.isHeld(1));
        assertEquals(List.of(-1L, 2L, 6L), c.saved());

        List<Long> before = c.savedSendingHeld(2, List.of(1, 2));
        assertEquals(List.of(2L, 5L, 6L), before, "the batch starts at 2; 5 is still held");
        assertEquals(4, c.heldTasks(), "asking for the record changes nothing");
        c.sendingHeld(2, List.of(1, 2));
        assertEquals(before, c.saved());
        assertEquals(Map.of(5L, 6L), c.heldRanges());
        c.skipHeld(5, 1); // cancelled by a failed dependency
        assertEquals(0, c.heldTasks());
        assertEquals(List.of(), c.saved());
        assertEquals(9, c.dispatched());
    }

    @Test
    void aRestoredCursorHoldsWhatWasSaved() {
        DispatchCursor c = new DispatchCursor();
        c.hold(0, 10);
        c.sending(List.of(4));
        c.hold(14, 20);
        DispatchCursor back = new DispatchCursor();
        back.dispatched(c.dispatched());
        back.restore(c.saved());
        assertEquals(c.heldRanges(), back.heldRanges());
        assertEquals(16, back.heldTasks());
        assertEquals(Map.entry(14L, 20L), back.nextHeld(1));
    }

    @Test
    void aHeldRangeSplitsWhereATaskMayGoUpToABound() {
        DispatchCursor c = new DispatchCursor();
        c.hold(0, 10);
        assertTrue(c.splitHeld(7, 2));
        assertEquals(Map.of(0L, 7L, 7L, 10L), c.heldRanges());
        assertEquals(10, c.heldTasks());
        c.sendingHeld(7, List.of(1));
        assertEquals(List.of(7L, 0L, 7L, 8L, 10L), c.saved(), "the batch starts at 7, inside what was one range");
        assertFalse(c.splitHeld(3, 2), "at the bound, the range stays whole");
        assertFalse(c.splitHeld(7, 3), "7 is sent: no range holds it");
    }

    @Test
    void holdingAnywhereButAtTheCursorIsABug() {
        DispatchCursor c = new DispatchCursor();
        c.sending(List.of(2));
        assertThrows(IllegalStateException.class, () -> c.hold(1, 4));
        assertThrows(IllegalStateException.class, () -> c.sendingHeld(0, List.of(1)));
    }
}
