package dev.drover.cli.chaos;

import java.util.List;

/**
 * What one scenario's faulted run showed, counted by side effects (the ledger) and by the
 * scheduler's results, beside the same workload's wall time without the fault.
 */
record Outcome(String scenario, int tasks, int lost, int runTwice, int runTwiceExplained, int resultsMissing,
               int duplicateResults, int failed, boolean ended, double wallSeconds, double baselineSeconds,
               boolean met, List<String> notes) {}
