package dev.drover.scheduler.replica;

import dev.drover.core.port.ReplicaStore;
import dev.drover.scheduler.Scheduler;
import dev.drover.scheduler.billing.Billing;
import dev.drover.scheduler.job.JobState;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This replica's own registration: it writes its heartbeat item (address, beat count, and the figures the
 * others read: live jobs, backlog, users' standings) and knows when the last write went through, so it
 * acts only while its last successful beat started less than the lease less the margin ago.
 */
final class OwnLease {
    private static final Logger log = LoggerFactory.getLogger(OwnLease.class);

    /** How a beat went. */
    enum Renewal {
        /** The write failed (or may have): the lease was not renewed. */
        FAILED,
        /** Renewed in time. */
        RENEWED,
        /** Renewed after the lease less the margin had passed: another replica may have taken this one's jobs meanwhile. */
        RENEWED_LATE
    }

    private final ReplicaStore store;
    private final Scheduler scheduler;
    private final String id;
    private volatile String address;
    private final ReplicaTiming timing;
    private final Clock clock;
    private final SharedStandings shared;
    private final AtomicLong count = new AtomicLong();
    private volatile long renewedAt = Long.MIN_VALUE / 2;
    private volatile boolean leaving;
    private boolean failing; // heartbeat thread only

    OwnLease(ReplicaStore store, Scheduler scheduler, String id, String address, ReplicaTiming timing, Clock clock,
             SharedStandings shared) {
        this.store = store;
        this.scheduler = scheduler;
        this.id = id;
        this.address = address;
        this.timing = timing;
        this.clock = clock;
        this.shared = shared;
    }

    void at(String address) {
        this.address = address;
    }

    String address() {
        return address;
    }

    /** True while this replica's last successful beat is recent enough that no other can have judged it gone. */
    boolean mayAct() {
        return !leaving && clock.millis() < renewedAt + timing.lease().toMillis() - timing.margin().toMillis();
    }

    /** Stops acting at once, for good: the replica is leaving. */
    void leave() {
        leaving = true;
    }

    /** Writes one beat. */
    Renewal beat() {
        long sent = clock.millis();
        // past this, another replica may have judged this one gone and taken its jobs
        boolean lapsed = sent - renewedAt >= timing.lease().toMillis() - timing.margin().toMillis();
        try {
            List<JobState> jobs = scheduler.jobStates();
            Map<String, ReplicaStore.UserFigures> users = shared.users(jobs, Billing.monthStart(clock));
            store.beat(new ReplicaStore.Beat(id, address, count.incrementAndGet(), sent, scheduler.liveJobs(), scheduler.backlog(),
                    users, shared.fleet().taskSeconds(jobs), shared.given()));
            renewedAt = sent;
            if (failing) {
                log.info("replica {}: heartbeat renewed again", id);
                failing = false;
            }
            return lapsed ? Renewal.RENEWED_LATE : Renewal.RENEWED;
        } catch (RuntimeException e) {
            shared.notWritten();
            if (!failing) {
                log.warn("replica {}: heartbeat failed ({}); dispatch stops {} after the last one that went through", id,
                        e.toString(), timing.lease().minus(timing.margin()));
                failing = true;
            }
            return Renewal.FAILED;
        }
    }
}
