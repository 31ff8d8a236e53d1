package dev.drover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import picocli.CommandLine;

/** Every command answers {@code --help} and {@code -h} with its usage and exit code 0, and starts nothing. */
class HelpTest {
    private static Set<String> subcommands() {
        return new CommandLine(new Main()).getSubcommands().keySet();
    }

    @TestFactory
    List<DynamicTest> everySubcommandAnswersHelp() {
        assertFalse(subcommands().isEmpty());
        List<DynamicTest> tests = new ArrayList<>();
        for (String name : subcommands()) {
            for (String flag : List.of("--help", "-h")) {
                tests.add(DynamicTest.dynamicTest(name + " " + flag, () -> {
                    Outcome o = run(name, flag);
                    assertEquals(0, o.code, () -> name + " " + flag + " exit code; stderr:\n" + o.err);
                    assertTrue(o.out.contains("Usage:"), () -> name + " " + flag + " printed:\n" + o.out);
                    assertTrue(o.out.contains("drover " + name), () -> name + " " + flag + " printed:\n" + o.out);
                    assertEquals("", o.err, name + " " + flag + " wrote to stderr");
                }));
            }
        }
        return tests;
    }

    @Test
    void rootHelpListsEverySubcommand() {
        assertTrue(subcommands().contains("bench"), "the bench stub is a subcommand");
        for (String flag : List.of("--help", "-h")) {
            Outcome o = run(flag);
            assertEquals(0, o.code, o.err);
            assertTrue(o.out.startsWith("Usage: drover"), o.out);
            for (String name : subcommands()) {
                assertTrue(o.out.contains("\n  " + name + " "), () -> name + " missing from:\n" + o.out);
            }
        }
    }

    private static Outcome run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Outcome(code, out.toString(), err.toString());
    }

    private record Outcome(int code, String out, String err) {
    }
}
