package dev.drover.core.worker;

/** Where the worker is in its life. Every piece reads it; only {@link Worker} moves it on. */
final class Lifecycle {
    enum Phase { RUNNING, DRAINING, HANDING_BACK }

    private volatile Phase phase = Phase.RUNNING;

    boolean polling() {
        return phase == Phase.RUNNING;
    }

    /** Tasks not yet started are handed back, not run. */
    boolean stopping() {
        return phase != Phase.RUNNING;
    }

    /** Running tasks are killed and their bundles handed back. */
    boolean handingBack() {
        return phase == Phase.HANDING_BACK;
    }

    void drain() {
        if (phase == Phase.RUNNING) {
            phase = Phase.DRAINING;
        }
    }

    void handBack() {
        phase = Phase.HANDING_BACK;
    }
}
