package dev.drover.scheduler;

import dev.drover.scheduler.dispatch.LostWorkWatch;
import dev.drover.scheduler.job.ObjectRenewal;
import dev.drover.scheduler.job.RetentionSweeper;
import java.time.Duration;
import java.util.List;

/**
 * The scheduler's periodic upkeep, each on a named thread of its own once started: the lost-work watch, the
 * retention sweep (hourly) and the renewal of the objects running jobs need (daily).
 */
final class Chores {
    private final LostWorkWatch lostWork;
    private final RetentionSweeper retention;
    private final ObjectRenewal renewal;

    Chores(LostWorkWatch lostWork, RetentionSweeper retention, ObjectRenewal renewal) {
        this.lostWork = lostWork;
        this.retention = retention;
        this.renewal = renewal;
    }

    void start(SchedulerThreads threads) {
        threads.every("drover-lost-work", lostWork.interval(), lostWork.interval(), lostWork::check);
        threads.every("drover-retention", Duration.ZERO, RetentionSweeper.INTERVAL, retention::sweep);
        threads.every("drover-object-renewal", ObjectRenewal.INTERVAL, ObjectRenewal.INTERVAL, renewal::renew);
    }

    int sweepExpired() {
        return retention.sweep();
    }

    List<String> renewObjects() {
        return renewal.renew();
    }
}
