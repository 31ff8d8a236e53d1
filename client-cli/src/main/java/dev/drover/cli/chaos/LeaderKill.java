package dev.drover.cli.chaos;

import dev.drover.cli.chaos.ReplicaDeployment.Taken;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code leader-kill}: the replicas launch their own fleet ({@code --local-fleet}); once the replica that
 * holds the fleet's lease has launched the first worker, it is killed with -9. Judged from the replicas' logs
 * (who took the lease, when) and from the fleet's processes over time ({@link WorkerCensus}): the workers it
 * launched outlive it, another replica takes the lease and launches the rest of the fleet as the backlog asks,
 * the fleet never exceeds its cap (the new leader sees the old one's workers), and once the job is done every
 * worker stops by its idle timeout.
 */
final class LeaderKill {
    private static final Duration FIRST_LAUNCH_WITHIN = Duration.ofSeconds(30);
    /** Twice a local takeover (5–7 s). */
    private static final Duration LEASE_WITHIN = Duration.ofSeconds(15);
    /** A launcher's death must not take its workers with it: they are looked at again this long after it. */
    private static final Duration SURVIVAL_CHECK = Duration.ofSeconds(3);
    private static final Duration GROWTH_WITHIN = Duration.ofSeconds(60);
    private static final Duration END_WITHIN = Duration.ofSeconds(150);
    private static final long POLL_MS = 100;

    private LeaderKill() {
    }

    /** The fault, with {@code surge} the job submitted once the fleet has a new leader: the backlog it must follow. */
    static ReplicaRun.ReplicaFault withSurge(Workload surge) {
        return c -> inject(c, surge);
    }

    private static void inject(ReplicaContext c, Workload surge) throws Exception {
        ReplicaDeployment d = c.deployment;
        WorkerCensus census = d.census;
        long t0 = System.currentTimeMillis();
        Optional<Set<String>> first = await(() -> census.now().isEmpty() ? null : census.now(), FIRST_LAUNCH_WITHIN);
        if (first.isEmpty()) {
            c.miss("no worker was launched within " + FIRST_LAUNCH_WITHIN.toSeconds() + " s of the submit");
            return;
        }
        String firstWorker = first.get().iterator().next();
        int leader = d.replicaOfPid(WorkerCensus.launcherPid(firstWorker));
        if (leader < 0) {
            c.miss("worker " + firstWorker + " was launched by no replica");
            return;
        }
        String leaderName = ReplicaDeployment.name(leader);
        List<Taken> before = d.fleetLeads();
        String holder = before.isEmpty() ? "nobody" : before.get(before.size() - 1).replica();
        if (!holder.equals(leaderName)) {
            c.miss("replica " + leaderName + " launched " + firstWorker + " but the logs say " + holder + " took the fleet's lease last");
        }
        Set<String> atKill = census.now();
        String status = ReplicaScenarios.status(c);
        c.kill(leader);
        long killedAt = c.faultAt.get();
        c.note("the fleet's lease held by " + leaderName + " (taken at " + String.format("%.1f", (before.isEmpty() ? 0
                : before.get(before.size() - 1).atMillis() - t0) / 1000.0) + " s); killed with the workers it launched "
                + atKill + " running, at " + status);

        Optional<Taken> next = await(() -> d.fleetLeads().stream()
                .filter(t -> t.atMillis() >= killedAt - 1_000 && !t.replica().equals(leaderName)).findFirst().orElse(null), LEASE_WITHIN);
        Thread.sleep(Math.max(0, killedAt + SURVIVAL_CHECK.toMillis() - System.currentTimeMillis()));
        Set<String> died = new HashSet<>(atKill);
        died.removeAll(census.now());
        died.removeIf(id -> census.exitLine(id).isPresent()); // idled out by itself: not the kill's doing
        if (!died.isEmpty()) {
            c.miss("workers died with the replica that launched them: " + died);
        } else {
            c.note("the " + atKill.size() + " worker(s) " + leaderName + " launched still ran " + SURVIVAL_CHECK.toSeconds() + " s after the kill");
        }
        if (next.isEmpty()) {
            c.miss("no replica took the fleet's lease within " + LEASE_WITHIN.toSeconds() + " s of the kill");
            return;
        }
        Taken taken = next.get();
        c.note(String.format("replica %s took the fleet's lease %.1f s after the kill", taken.replica(), (taken.atMillis() - killedAt) / 1000.0));
        long newLeaderPid = d.replicas.get(taken.replica().charAt(0) - 'A').pid();
        // the backlog grows: a second job, to the followed job's new owner (so that no worker's result message mixes two owners' jobs)
        Optional<Taken> owner = await(() -> d.takeovers().getOrDefault(c.followedJob, List.of()).stream().findFirst().orElse(null),
                LEASE_WITHIN);
        int to = owner.map(t -> t.replica().charAt(0) - 'A').orElse(taken.replica().charAt(0) - 'A');
        int live = census.now().size();
        long surgeAt = System.currentTimeMillis();
        String id = c.submitLate(to, surge, "leader-kill-surge");
        c.note(String.format("%d more tasks (job %s) submitted to %s %.1f s after the kill, with %d workers live", surge.tasks(), id,
                ReplicaDeployment.name(to), (surgeAt - killedAt) / 1000.0, live));
        Optional<List<String>> launched = await(() -> {
            List<String> mine = census.seen().stream().filter(w -> WorkerCensus.launcherPid(w) == newLeaderPid).sorted().toList();
            return mine.isEmpty() ? null : mine;
        }, GROWTH_WITHIN);
        if (launched.isEmpty()) {
            c.miss("the new leader " + taken.replica() + " launched no worker within " + GROWTH_WITHIN.toSeconds() + " s of the surge");
        } else {
            Thread.sleep(2_000); // the rest of the same launch
            List<String> all = census.seen().stream().filter(w -> WorkerCensus.launcherPid(w) == newLeaderPid).sorted().toList();
            long firstAt = all.stream().map(census::firstSeen).flatMap(Optional::stream).min(Long::compare).orElse(0L);
            c.note(String.format("the new leader %s launched %s, the first %.1f s after the surge", taken.replica(), all,
                    (firstAt - surgeAt) / 1000.0));
        }
        awaitFleetEnd(c, census, t0);
    }

    /** Once the job is done, every worker must stop by itself within its idle timeout (and a margin for a drain). */
    private static void awaitFleetEnd(ReplicaContext c, WorkerCensus census, long t0) throws InterruptedException {
        List<String> jobs = new ArrayList<>(List.of(c.followedJob));
        c.late().forEach(l -> jobs.add(l.id()));
        Optional<Long> ended = await(() -> {
            for (String job : jobs) {
                if (!"DONE".equals(c.deployment.job(job).path("state").asText())) {
                    return null;
                }
            }
            return System.currentTimeMillis();
        }, END_WITHIN);
        if (ended.isEmpty()) {
            c.note("the jobs did not end within " + END_WITHIN.toSeconds() + " s of the kill; the fleet's end not checked");
            return;
        }
        Duration within = ReplicaDeployment.IDLE.plusSeconds(20);
        Optional<Long> empty = await(() -> census.now().isEmpty() ? System.currentTimeMillis() : null, within);
        c.note("live workers over time (s after the job was submitted: count): " + census.timeline(t0));
        if (empty.isEmpty()) {
            c.miss("workers still running " + within.toSeconds() + " s after the jobs' end: " + census.now());
            return;
        }
        List<String> notIdle = census.seen().stream().filter(id -> !census.exitLine(id).map(l -> l.contains("(IDLE)")).orElse(false))
                .sorted().toList();
        if (!notIdle.isEmpty()) {
            c.miss("workers that did not stop by their idle timeout: " + notIdle);
        }
        c.note(String.format("the fleet was back to 0 %.1f s after the jobs' end; %d workers in all, at most %d at once (cap %d)",
                (empty.get() - ended.get()) / 1000.0, census.seen().size(), census.peak(), ReplicaRun.LOCAL_FLEET_MAX));
        if (census.peak() > ReplicaRun.LOCAL_FLEET_MAX) {
            c.miss("the fleet grew past its cap: the new leader did not count the workers of the last");
        }
    }

    /** Polls {@code probe} until it gives a value (not null), for at most {@code within}. */
    private static <T> Optional<T> await(Callable<T> probe, Duration within) throws InterruptedException {
        long end = System.nanoTime() + within.toNanos();
        do {
            try {
                T value = probe.call();
                if (value != null) {
                    return Optional.of(value);
                }
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                // a log being written, a replica going down: look again
            }
            Thread.sleep(POLL_MS);
        } while (System.nanoTime() < end);
        return Optional.empty();
    }
}
