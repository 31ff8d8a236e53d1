package dev.drover.scheduler.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JobIdsTest {
    @Test
    void idsSortBySubmissionTimeAndCarry128RandomBits() {
        List<String> ids = new ArrayList<>();
        for (long t = 1_700_000_000_000L; t < 1_700_000_000_000L + 50_000_000_000L; t += 999_999_937L) {
            ids.add(JobIds.next(t));
        }
        List<String> sorted = new ArrayList<>(ids);
        sorted.sort(null);
        assertEquals(ids, sorted, "string order is time order");
        for (String id : ids) {
            assertEquals(JobIds.LENGTH, id.length());
            assertTrue(id.matches("j[0-9a-hjkmnp-tv-z]{36}"), id);
        }
    }

    @Test
    void theRandomPartIsAllOfTheBits() {
        byte[] zeros = new byte[16];
        byte[] ones = new byte[16];
        java.util.Arrays.fill(ones, (byte) 0xff);
        assertEquals("j0000000000" + "0".repeat(26), JobIds.of(0, zeros));
        assertEquals("j0000000000" + "z".repeat(25) + "w", JobIds.of(0, ones), "128 bits: 25 full digits and 3 bits padded");
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            assertTrue(seen.add(JobIds.next(42)), "no repeat within one millisecond");
        }
    }
}
