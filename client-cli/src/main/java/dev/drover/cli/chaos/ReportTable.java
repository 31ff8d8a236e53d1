package dev.drover.cli.chaos;

import java.io.PrintWriter;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
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
        failovers(outcomes, out);
        for (Outcome o : outcomes) {
            if (!o.notes().isEmpty()) {
                out.printf("%s: %s%n", o.scenario(), String.join("; ", o.notes()));
            }
        }
        out.flush();
    }

    /** Per scenario with failover times: their median and maximum over the runs. */
    private static void failovers(List<Outcome> outcomes, PrintWriter out) {
        boolean any = false;
        for (String name : outcomes.stream().map(Outcome::scenario).distinct().toList()) {
            List<Outcome> runs = outcomes.stream().filter(o -> o.scenario().equals(name)).toList();
            any |= spread(name, "failover (fault to the first task the new owner dispatched)",
                    runs.stream().map(Outcome::failoverMillis).filter(Objects::nonNull).toList(), out);
            any |= spread(name, "takeover (fault to the new owner's \"taken over\")",
                    runs.stream().map(Outcome::takeoverMillis).filter(Objects::nonNull).toList(), out);
        }
        if (any) {
            out.println();
        }
    }

    private static boolean spread(String name, String what, List<Long> ms, PrintWriter out) {
        if (ms.isEmpty()) {
            return false;
        }
        List<Long> sorted = ms.stream().sorted().toList();
        int n = sorted.size();
        double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
        out.printf(Locale.ROOT, "%s: %s over %d run%s: median %.1f s, max %.1f s (%s ms)%n", name, what, n, n == 1 ? "" : "s",
                median / 1000, sorted.get(n - 1) / 1000.0, ms.stream().map(String::valueOf).collect(Collectors.joining(", ")));
        return true;
    }

    private static String seconds(double s) {
        return Double.isNaN(s) ? "-" : String.format(Locale.ROOT, "%.1f", s);
    }
}
