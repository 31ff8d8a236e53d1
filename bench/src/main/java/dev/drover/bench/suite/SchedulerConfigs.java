package dev.drover.bench.suite;

import dev.drover.scheduler.model.SchedulerConfig;
import java.time.Duration;

/** Drover's scheduler settings for a backend, with the bundle work optionally overridden (an experiment knob). */
final class SchedulerConfigs {
    private SchedulerConfigs() {}

    /** @param bundleWork null for the backend's default */
    static SchedulerConfig of(SchedulerConfig base, Duration bundleWork) {
        return bundleWork == null ? base : base.withBundleWork(bundleWork);
    }
}
