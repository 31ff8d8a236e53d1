package dev.drover.cli.bench;

import dev.drover.scheduler.SchedulerConfig;
import java.nio.file.Path;
import java.time.Duration;

/** Drover's default scheduler settings, with the bundle work optionally overridden (an experiment knob). */
final class SchedulerConfigs {
    private SchedulerConfigs() {}

    /** @param bundleWork null for Drover's default */
    static SchedulerConfig of(Path dataDir, int fleetThreads, Duration bundleWork) {
        SchedulerConfig d = SchedulerConfig.defaults(dataDir, fleetThreads);
        return bundleWork == null ? d
                : new SchedulerConfig(d.dataDir(), d.fleetThreads(), bundleWork, d.maxOutstanding(), d.collectorThreads());
    }
}
