package dev.drover.scheduler.billing;

import dev.drover.scheduler.job.JobState;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Shares the fleet's EC2 time among jobs by their task-seconds, period by period: what the fleet
 * billed since the last update goes to the jobs whose tasks ran in that period, each in proportion
 * to its task-seconds. A period in which no task ended (workers booting, or idle before they stop)
 * is carried into the next period with task-seconds, so every billed second is paid by some job.
 */
final class Ec2Attribution {
    private final Map<String, Double> seenTaskSeconds = new HashMap<>();
    private FleetFigures last = FleetFigures.NONE;
    private double carrySeconds;
    private double carryUsd;

    synchronized void update(Collection<JobState> jobs, FleetFigures now) {
        carrySeconds += Math.max(0, now.billedWorkerSeconds() - last.billedWorkerSeconds());
        carryUsd += Math.max(0, now.costUsd() - last.costUsd());
        last = now;
        Map<JobState, Double> ran = new HashMap<>();
        double all = 0;
        Map<String, Double> seen = new HashMap<>();
        for (JobState job : jobs) {
            double t = job.times().taskSeconds();
            double delta = t - seenTaskSeconds.getOrDefault(job.jobId(), 0.0);
            if (delta > 0) {
                ran.put(job, delta);
                all += delta;
            }
            seen.put(job.jobId(), t);
        }
        seenTaskSeconds.clear();
        seenTaskSeconds.putAll(seen); // jobs that expired are forgotten
        if (all <= 0 || (carrySeconds == 0 && carryUsd == 0)) {
            return;
        }
        for (Map.Entry<JobState, Double> e : ran.entrySet()) {
            double share = e.getValue() / all;
            e.getKey().cost().chargeEc2(carrySeconds * share, carryUsd * share);
        }
        carrySeconds = 0;
        carryUsd = 0;
    }
}
