package dev.drover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code drover scheduler --files-unpacked-limit SIZE}: documented with its default, and a bad size is exit 2 before anything starts. */
class SchedulerFilesLimitOptionTest {
    @Test
    void theHelpGivesTheDefault() {
        SchedulerRetentionOptionTest.Outcome o = SchedulerRetentionOptionTest.run("scheduler", "--help");
        assertEquals(0, o.code());
        assertTrue(o.out().contains("--files-unpacked-limit=SIZE"), o.out());
        assertTrue(o.out().contains("default 16GiB"), o.out());
    }

    @Test
    void aBadOrZeroSizeIsExit2WithTheReason() {
        SchedulerRetentionOptionTest.Outcome bad = SchedulerRetentionOptionTest.run("scheduler", "--files-unpacked-limit", "lots",
                "-lw", "1", "-s", "0");
        assertEquals(2, bad.code(), bad.err());
        assertTrue(bad.err().contains("bad --files-unpacked-limit: expected a size such as 2GiB"), bad.err());
        SchedulerRetentionOptionTest.Outcome zero = SchedulerRetentionOptionTest.run("scheduler", "--files-unpacked-limit", "0",
                "-lw", "1", "-s", "0");
        assertEquals(2, zero.code(), zero.err());
        assertTrue(zero.err().contains("--files-unpacked-limit must be more than 0"), zero.err());
    }
}
