package dev.drover.cli.chaos;

import java.util.List;

/**
 * What one scenario's faulted run showed, counted by side effects (the ledger) and by the
 * scheduler's results, beside the same workload's wall time without the fault; for a replica
 * scenario, also the failover time (to the first task the new owner dispatched) and the takeover time
 * (to the new owner's "taken over" line), both from the fault (null elsewhere).
 */
record Outcome(String scenario, int tasks, int lost, int runTwice, int runTwiceExplained, int resultsMissing,
               int duplicateResults, int failed, boolean ended, double wallSeconds, double baselineSeconds,
               boolean met, List<String> notes, Long failoverMillis, Long takeoverMillis) {
    Outcome(String scenario, int tasks, int lost, int runTwice, int runTwiceExplained, int resultsMissing,
            int duplicateResults, int failed, boolean ended, double wallSeconds, double baselineSeconds,
            boolean met, List<String> notes) {
        this(scenario, tasks, lost, runTwice, runTwiceExplained, resultsMissing, duplicateResults, failed, ended, wallSeconds,
                baselineSeconds, met, notes, null, null);
    }
}
