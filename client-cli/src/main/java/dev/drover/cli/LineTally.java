package dev.drover.cli;

import dev.drover.core.workload.TaskSpec;
import dev.drover.core.workload.WorkloadException;
import dev.drover.core.workload.WorkloadReader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts a job's results per workload line: a line with {@code @replicas N} is complete only when
 * all N of its replicas succeeded. It holds a counter only for lines with replicas, so a job of a
 * million plain lines costs nothing here.
 */
final class LineTally {
    /** How many replicated lines the printed summary names; the JSON summary has them all. */
    static final int PRINT_LIMIT = 20;

    private final long lines;
    /** Line number to {replicas, succeeded}, for the lines with more than one replica. */
    private final Map<Integer, int[]> replicated;
    private long plainNotOk;

    private LineTally(long lines, Map<Integer, int[]> replicated) {
        this.lines = lines;
        this.replicated = replicated;
    }

    /** Reads the workload whole (it is checked before anything is queued). */
    static LineTally of(Path workload) throws WorkloadException {
        Map<Integer, int[]> replicated = new TreeMap<>();
        long[] lines = {0};
        try (WorkloadReader reader = WorkloadReader.open(workload)) {
            reader.forEach((TaskSpec spec) -> {
                if (spec.replica() == 0) {
                    lines[0]++;
                } else {
                    replicated.computeIfAbsent(spec.line(), l -> new int[2])[0] = spec.replica() + 1;
                }
            });
        }
        return new LineTally(lines[0], replicated);
    }

    /** The tally, or null after printing why the workload is refused. */
    static LineTally check(Path workload, PrintWriter err) {
        try {
            return of(workload);
        } catch (WorkloadException e) {
            err.println("drover: " + e.getMessage());
            err.flush();
            return null;
        }
    }

    synchronized void add(ResultLine r) {
        int[] counts = replicated.isEmpty() ? null : replicated.get(r.line());
        boolean ok = r.succeeded();
        if (counts != null) {
            if (ok) {
                counts[1]++;
            }
        } else if (!ok) {
            plainNotOk++;
        }
    }

    /** Adds {@code lines}, {@code linesComplete} and, with replicas, {@code replicaLines} to the summary. */
    synchronized void summarize(Map<String, Object> summary) {
        long complete = lines - replicated.size() - plainNotOk;
        List<Map<String, Object>> perLine = new ArrayList<>();
        for (Map.Entry<Integer, int[]> e : replicated.entrySet()) {
            int[] c = e.getValue();
            if (c[1] == c[0]) {
                complete++;
            }
            Map<String, Object> l = new java.util.LinkedHashMap<>();
            l.put("line", e.getKey());
            l.put("replicas", c[0]);
            l.put("succeeded", c[1]);
            perLine.add(l);
        }
        summary.put("lines", lines);
        summary.put("linesComplete", complete);
        if (!perLine.isEmpty()) {
            summary.put("replicaLines", perLine);
        }
    }

    @SuppressWarnings("unchecked")
    static void print(PrintWriter out, Map<String, Object> summary) {
        List<Map<String, Object>> perLine = (List<Map<String, Object>>) summary.get("replicaLines");
        if (perLine == null) {
            return;
        }
        out.printf("lines: %d of %d complete (a line with replicas is complete when all of them succeeded)%n",
                summary.get("linesComplete"), summary.get("lines"));
        perLine.stream().limit(PRINT_LIMIT).forEach(l -> out.printf("  line %d: %d of %d replicas succeeded%n",
                l.get("line"), l.get("succeeded"), l.get("replicas")));
        if (perLine.size() > PRINT_LIMIT) {
            out.printf("  ... and %d more lines with replicas (--json FILE has them all)%n", perLine.size() - PRINT_LIMIT);
        }
    }
}
