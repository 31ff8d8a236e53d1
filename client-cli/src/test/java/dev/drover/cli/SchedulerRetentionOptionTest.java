package dev.drover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** {@code drover scheduler --retention D}: documented, and a bad duration is refused with exit 2 before anything starts. */
class SchedulerRetentionOptionTest {
    record Outcome(int code, String out, String err) {}

    static Outcome run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Outcome(code, out.toString(), err.toString());
    }

    @Test
    void theHelpSaysWhatExpiresAndTheDefault() {
        Outcome o = run("scheduler", "--help");
        assertEquals(0, o.code());
        assertTrue(o.out().contains("--retention=D"), o.out());
        assertTrue(o.out().contains("default 30d"), o.out());
    }

    @Test
    void aBadOrZeroRetentionIsExit2WithTheReason() {
        Outcome bad = run("scheduler", "--retention", "soon", "-lw", "1", "-s", "0");
        assertEquals(2, bad.code(), bad.err());
        assertTrue(bad.err().contains("'soon' is not a duration"), bad.err());
        Outcome zero = run("scheduler", "--retention", "0d", "-lw", "1", "-s", "0");
        assertEquals(2, zero.code(), zero.err());
        assertTrue(zero.err().contains("--retention must be more than 0"), zero.err());
    }
}
