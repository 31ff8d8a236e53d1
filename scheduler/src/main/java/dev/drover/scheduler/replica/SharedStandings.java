package dev.drover.scheduler.replica;

import dev.drover.core.port.ReplicaStore;
import dev.drover.core.port.ReplicaStore.Beat;
import dev.drover.core.port.ReplicaStore.UserFigures;
import dev.drover.scheduler.billing.FleetFigures;
import dev.drover.scheduler.dispatch.FairStandings;
import dev.drover.scheduler.job.JobState;
import dev.drover.scheduler.model.AcrossReplicas;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Per-user standings shared through the heartbeats: each beat carries this replica's (tasks held and
 * queued, work held, month-to-date spend, want and claim per user, and task-seconds run), and each read
 * of the others' beats sums theirs, which the quota checks, budgets and fair share add to this replica's
 * own. So they are at most one heartbeat old. The running-task quota is kept by claims
 * ({@link RunningClaims}), which never add up past it; the fleet's EC2 cost comes from the leader's beat
 * ({@link FleetCostShares}). Written on the heartbeat thread; read from any.
 */
final class SharedStandings implements AcrossReplicas {
    private final Function<String, Optional<String>> liveOwner;
    private final RunningClaims claims = new RunningClaims();
    private final FleetCostShares fleet = new FleetCostShares();
    private volatile Map<String, Elsewhere> elsewhere = Map.of();
    private volatile Optional<ReplicaStore.Ec2Share> ec2 = Optional.empty();
    private Map<String, RunningClaims.Own> own = Map.of();
    private Map<String, Long> written;
    private Map<String, ReplicaStore.Ec2Share> given = Map.of();

    /** @param liveOwner the address of the other live replica owning a job ({@link LiveOwners}) */
    SharedStandings(Function<String, Optional<String>> liveOwner) {
        this.liveOwner = liveOwner;
    }

    @Override
    public Optional<String> liveOwner(String jobId) {
        return liveOwner.apply(jobId);
    }

    @Override
    public Elsewhere elsewhere(String user) {
        return elsewhere.getOrDefault(user, Elsewhere.NONE);
    }

    @Override
    public long runningCap(String user, long quota) {
        return Math.min(quota, claims.cap(user));
    }

    @Override
    public Optional<ReplicaStore.Ec2Share> ec2() {
        return ec2;
    }

    /** This replica's users for its next beat, from its jobs (those submitted since {@code monthStart} count in the month). */
    Map<String, UserFigures> users(Collection<JobState> jobs, long monthStart) {
        Map<String, double[]> by = new HashMap<>(); // running, queued, work, month USD, unsent
        for (JobState j : jobs) {
            boolean live = !j.done() && !j.cancelled();
            boolean month = j.submittedAt() >= monthStart;
            if (!live && !month) {
                continue;
            }
            double[] f = by.computeIfAbsent(j.owner(), k -> new double[5]);
            if (live) {
                long out = j.outstanding();
                f[0] += out;
                f[1] += j.remaining();
                f[2] += out * FairStandings.meanTaskMillis(j);
                f[4] += Math.max(0, j.total() - j.dispatched());
            }
            if (month) {
                f[3] += j.cost().requestsUsd() + j.cost().ec2Usd();
            }
        }
        Map<String, RunningClaims.Own> held = new HashMap<>();
        by.forEach((u, f) -> held.put(u, new RunningClaims.Own((long) f[0], (long) f[4])));
        own = held;
        Map<String, Long> claim = claims.toPublish(held);
        written = claim;
        Map<String, UserFigures> out = new HashMap<>();
        by.forEach((u, f) -> out.put(u, new UserFigures((long) f[0], (long) f[1], f[2], f[3], (long) (f[0] + f[4]),
                claim.getOrDefault(u, 0L))));
        claim.forEach((u, c) -> out.putIfAbsent(u, new UserFigures(0, 0, 0, 0, 0, c)));
        return out;
    }

    /** The beat carrying {@link #users} did not go through (or may not have): its raised claims take no effect. */
    void notWritten() {
        written = null;
    }

    /**
     * After a read of every beat: sums the other live replicas' users, settles this replica's claims, and
     * takes its part of the fleet's cost from the leader's beat.
     *
     * @param others the other live replicas' beats
     * @param leader the beat of the fleet's leader, if it is live (this replica's own included)
     */
    void read(List<Beat> others, Optional<Beat> leader, String me, long quota) {
        Map<String, Elsewhere> sum = new HashMap<>();
        for (Beat b : others) {
            b.users().forEach((u, f) -> sum.merge(u, new Elsewhere(f.running(), f.queued(), f.workMillis(), f.monthUsd()),
                    (x, y) -> new Elsewhere(x.running() + y.running(), x.queued() + y.queued(), x.workMillis() + y.workMillis(),
                            x.monthUsd() + y.monthUsd())));
        }
        elsewhere = Map.copyOf(sum);
        claims.settle(written, others, own, quota, me);
        written = null;
        ec2 = Optional.of(fleet.received(leader, me));
    }

    /** This replica's task-seconds, and the fleet's cost it gives out as the leader: what its beats carry. */
    FleetCostShares fleet() {
        return fleet;
    }

    /** As the fleet's leader: shares what the fleet billed since the last beat among the live replicas (see {@link FleetCostShares}). */
    void lead(FleetFigures billed, Map<String, Double> replicaSeconds) {
        given = fleet.lead(billed, replicaSeconds);
    }

    /** Not the fleet's leader: gives nothing. */
    void follow() {
        fleet.follow();
        given = Map.of();
    }

    /** What the leader's next beat gives each replica so far (empty unless this replica leads). */
    Map<String, ReplicaStore.Ec2Share> given() {
        return given;
    }
}
