package dev.drover.cli.chaos;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The job a scenario runs: {@code tasks} shell tasks that each record themselves in the ledger and
 * sleep {@code taskMillis}, with a twist that is itself the fault for some scenarios.
 */
record Workload(int tasks, int taskMillis, Flavor flavor) {
    enum Flavor {
        PLAIN,
        /** One more task that kills its worker JVM ({@code $PPID} of its shell), every time it runs. */
        POISON,
        /** Every task also writes 300 KB to stdout. */
        BIG_OUTPUT,
        /** A second job whose one line SQS cannot carry (U+FFFF is outside SQS's character set) is submitted first. */
        UNSENDABLE_NEIGHBOUR
    }

    static final String POISON_COMMAND = "kill -9 $PPID";
    static final String UNSENDABLE_LINE = "echo \uFFFF";
    static final int BIG_OUTPUT_BYTES = 300_000;

    /** The same tasks without the twist: what the baseline runs. */
    Workload plain() {
        return new Workload(tasks, taskMillis, Flavor.PLAIN);
    }

    Set<String> tags() {
        Set<String> tags = new LinkedHashSet<>();
        for (int i = 0; i < tasks; i++) {
            tags.add(tag(i));
        }
        return tags;
    }

    /** The workload file of the main job, its ledger records going to {@code ledger}. */
    String text(Ledger ledger) {
        String sleep = String.format(Locale.ROOT, "/bin/sleep %.3f", taskMillis / 1000.0);
        String output = flavor == Flavor.BIG_OUTPUT ? "; head -c " + BIG_OUTPUT_BYTES + " /dev/zero | tr '\\0' x" : "";
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            if (flavor == Flavor.POISON && i == tasks / 2) {
                lines.add(POISON_COMMAND);
            }
            lines.add(ledger.record(tag(i)) + "; " + sleep + output);
        }
        return String.join("\n", lines) + "\n";
    }

    /** The job submitted beside the main one, if any. */
    Optional<String> neighbour() {
        return flavor == Flavor.UNSENDABLE_NEIGHBOUR ? Optional.of(UNSENDABLE_LINE + "\n") : Optional.empty();
    }

    private static String tag(int i) {
        return "t" + i;
    }
}
