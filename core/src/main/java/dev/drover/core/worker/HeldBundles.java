package dev.drover.core.worker;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The bundles this worker holds a claim on: added by the claimer, removed when settled, lost or handed back. */
final class HeldBundles {
    private final Map<String, BundleRun> runs = new ConcurrentHashMap<>();

    void add(BundleRun run) {
        runs.put(run.bundleId(), run);
    }

    /** Removes the run if it is still held; true if this call removed it. */
    boolean remove(BundleRun run) {
        return runs.remove(run.bundleId(), run);
    }

    boolean holds(BundleRun run) {
        return runs.get(run.bundleId()) == run;
    }

    List<BundleRun> snapshot() {
        return List.copyOf(runs.values());
    }

    boolean isEmpty() {
        return runs.isEmpty();
    }
}
