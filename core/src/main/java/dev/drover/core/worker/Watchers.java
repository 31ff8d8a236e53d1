package dev.drover.core.worker;

import java.util.ArrayList;
import java.util.List;

/**
 * What runs beside a {@link Worker}'s loop, each on a ticker of its own: the {@link LeaseKeeper}
 * renewing the leases of held bundles, and the {@link CancelWatcher} noticing cancelled jobs.
 */
final class Watchers {
    private final WorkerConfig config;
    private final LeaseKeeper leases;
    private final CancelWatcher cancels;
    private final List<Ticker> tickers = new ArrayList<>();

    Watchers(WorkerConfig config, LeaseKeeper leases, CancelWatcher cancels) {
        this.config = config;
        this.leases = leases;
        this.cancels = cancels;
    }

    void start() {
        tickers.add(new Ticker("drover-lease-" + config.workerId(), config.heartbeat(), leases::renew));
        tickers.add(new Ticker("drover-cancel-" + config.workerId(), config.cancelCheck(), cancels::check));
    }

    void stop() {
        tickers.forEach(Ticker::stop);
    }
}
