package dev.drover.cli.chaos;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/** The outcomes as a fixed-width table, then each scenario's notes. */
final class ReportTable {
    private static final String ROW = "%-24s %5s %5s %11s %8s %8s %6s %6s %8s %9s  %s%n";

    private ReportTable() {
    }

    static void print(List<Outcome> outcomes, PrintWriter out) {
        out.printf(ROW, "scenario", "tasks", "lost", "twice(expl)", "missing", "dup-res", "failed", "ended", "wall s",
                "base s", "target");
        for (Outcome o : outcomes) {
            out.printf(ROW, o.scenario(), o.tasks(), o.lost(), o.runTwice() + "(" + o.runTwiceExplained() + ")",
                    o.resultsMissing(), o.duplicateResults(), o.failed(), o.ended() ? "yes" : "NO",
                    seconds(o.wallSeconds()), seconds(o.baselineSeconds()), o.met() ? "met" : "MISSED");
        }
        out.println();
        for (Outcome o : outcomes) {
            if (!o.notes().isEmpty()) {
                out.printf("%s: %s%n", o.scenario(), String.join("; ", o.notes()));
            }
        }
        out.flush();
    }

    private static String seconds(double s) {
        return Double.isNaN(s) ? "-" : String.format(Locale.ROOT, "%.1f", s);
    }
}
