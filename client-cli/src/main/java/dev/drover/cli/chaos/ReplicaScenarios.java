package dev.drover.cli.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.cli.chaos.ReplicaRun.Case;
import dev.drover.cli.chaos.ReplicaRun.Extra;
import dev.drover.cli.chaos.Workload.Flavor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The scenarios of scheduler replicas (issue 22): three {@code drover scheduler -rw --replica} processes
 * on one stack, a job followed through all three addresses, and a replica killed, cut off or
 * restarted under it. Each runs on emulators of its own and judges itself ({@link ReplicaRun}).
 */
final class ReplicaScenarios {
    private static final int REPLICAS = 3;
    private static final Duration DEADLINE = Duration.ofSeconds(180);
    /** The partition: one replica's DynamoDB, SQS and S3 calls stall this long. */
    static final Duration PARTITION = Duration.ofSeconds(30);
    /** How long a cut-off replica may take to beat again once its traffic flows. */
    private static final Duration REJOIN_WITHIN = Duration.ofSeconds(30);

    private ReplicaScenarios() {
    }

    static List<Scenario> all(boolean quick) {
        Workload plain = quick ? new Workload(24, 400, Flavor.PLAIN) : new Workload(60, 600, Flavor.PLAIN);
        // more work than the dispatch window (2 s of tasks a worker thread, unmeasured shell tasks guessed at 100 ms):
        // the owner is still sending when it dies, so the new owner has tasks of its own to dispatch (the failover's end)
        Workload many = quick ? new Workload(300, 100, Flavor.PLAIN) : new Workload(300, 200, Flavor.PLAIN);
        // still running when the stall ends, so that the cut-off replica comes back to a job it no longer owns
        Workload longer = quick ? new Workload(80, 800, Flavor.PLAIN) : new Workload(120, 1000, Flavor.PLAIN);
        // long enough that every job still runs at the third restart (each restart takes a few seconds)
        Workload rolling = quick ? new Workload(24, 1000, Flavor.PLAIN) : new Workload(60, 1500, Flavor.PLAIN);
        // a local fleet sized for 30 s of backlog (60 task-seconds a worker of 2 threads): the first job asks for 2 workers
        // of the 4 allowed, the surge (submitted once the lease has passed) for the rest
        Workload scaling = quick ? new Workload(80, 800, Flavor.PLAIN) : new Workload(100, 1000, Flavor.PLAIN);
        Workload surge = quick ? new Workload(200, 800, Flavor.PLAIN) : new Workload(200, 1000, Flavor.PLAIN);
        Workload third = quick ? new Workload(24, 400, Flavor.PLAIN) : new Workload(40, 600, Flavor.PLAIN);
        return List.of(
                scenario("replica-kill-dispatch", "kill -9 of the owning replica (of 3) while it dispatches: results flow, tasks wait to be sent",
                        many, new Case(REPLICAS, many, List.of(), c -> {
                            if (c.awaitFollowed(job -> succeeded(job) >= many.tasks() / 10
                                    && job.path("dispatched").asLong() < many.tasks())) {
                                killOwner(c);
                            }
                        }, DEADLINE)),
                scenario("replica-kill-collect", "kill -9 of the owning replica (of 3) a third of the way through the results",
                        plain, new Case(REPLICAS, plain, List.of(), c -> {
                            if (c.awaitFollowed(job -> succeeded(job) >= plain.tasks() / 3)) {
                                killOwner(c);
                            }
                        }, DEADLINE)),
                scenario("replica-partition", "the owning replica's SQS, DynamoDB and S3 traffic stalled for " + PARTITION.toSeconds()
                                + " s: it stops acting, the others take its job, it rejoins",
                        longer, new Case(REPLICAS, longer, List.of(), ReplicaScenarios::partition, DEADLINE.plus(PARTITION))),
                scenario("rolling-restart", "each of 3 replicas stopped (SIGTERM) and started again in turn while 3 jobs run",
                        rolling, new Case(REPLICAS, rolling, List.of(new Extra(rolling, 1), new Extra(rolling, 2)),
                                c -> rollingRestart(c, rolling.tasks()), DEADLINE)),
                scenario("leader-kill", "kill -9 of the replica holding the fleet's lease (and the job) once it launched the first"
                                + " of the fleet's workers: they outlive it, another replica takes the lease and grows the fleet for a second job",
                        scaling, new Case(REPLICAS, scaling, List.of(), LeaderKill.withSurge(surge), DEADLINE, true)),
                scenario("takeover-race", "kill -9 of the replica owning 3 jobs: the 2 others race to take them, one wins each",
                        third, new Case(REPLICAS, third, List.of(new Extra(third, 0), new Extra(third, 0)),
                                ReplicaScenarios::takeoverRace, DEADLINE)));
    }

    private static Scenario scenario(String name, String description, Workload workload, Case c) {
        return Scenario.selfJudged(name, description, workload, (dir, progress) -> ReplicaRun.run(name, c, dir, progress));
    }

    private static long succeeded(JsonNode job) {
        return job.path("counts").path("SUCCEEDED").asLong();
    }

    private static void killOwner(ReplicaContext c) {
        String at = status(c);
        c.kill(0);
        c.note("at " + at);
    }

    static String status(ReplicaContext c) {
        try {
            JsonNode job = c.deployment.job(c.followedJob);
            return "dispatched " + job.path("dispatched").asLong() + "/" + job.path("total").asLong() + ", succeeded " + succeeded(job);
        } catch (IOException | IllegalStateException e) {
            return "(status unreadable: " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(interrupted)";
        }
    }

    private static void partition(ReplicaContext c) throws InterruptedException, IOException {
        if (!c.awaitFollowed(job -> succeeded(job) >= 8)) {
            return;
        }
        c.note("stall at " + status(c));
        c.faultAt.set(System.currentTimeMillis());
        c.deployment.firstReplicaNetwork.forEach(p -> p.mode(ChaosProxy.Mode.STALL));
        try {
            Thread.sleep(PARTITION.toMillis());
        } finally {
            c.deployment.firstReplicaNetwork.forEach(p -> p.mode(ChaosProxy.Mode.FORWARD));
        }
        c.note("traffic flows again at " + status(c));
        ChildScheduler a = c.deployment.replicas.get(0);
        long end = System.nanoTime() + REJOIN_WITHIN.toNanos();
        while (!(a.alive() && new JobClient(a.address(), a::token).healthy() && logHas(a, "heartbeat renewed again"))) {
            if (System.nanoTime() > end || !a.alive()) {
                c.miss("replica A did not rejoin within " + REJOIN_WITHIN.toSeconds() + " s of the stall's end (alive: " + a.alive() + ")");
                return;
            }
            Thread.sleep(200);
        }
        c.note("replica A beats again" + (logHas(a, "heartbeat failed") ? " (its log names the failed beats)" : ""));
    }

    private static void rollingRestart(ReplicaContext c, int tasks) throws InterruptedException {
        for (int i = 0; i < REPLICAS; i++) {
            int after = (i + 1) * tasks / (REPLICAS + 2);
            if (!c.awaitFollowed(job -> succeeded(job) >= after)) {
                c.miss("only " + i + " of " + REPLICAS + " replicas restarted before the job ended");
                return;
            }
            ChildScheduler r = c.deployment.replicas.get(i);
            String at = status(c);
            long t0 = System.nanoTime();
            r.close(); // SIGTERM: it stops dispatching and deletes its heartbeat, so its jobs pass on at once
            r.restart(); // the same port and data; a new replica id
            c.note(String.format("replica %s restarted in %.1f s at %s", ReplicaDeployment.name(i), (System.nanoTime() - t0) / 1e9, at));
        }
    }

    private static void takeoverRace(ReplicaContext c) throws InterruptedException, IOException {
        if (!c.awaitFollowed(job -> job.path("dispatched").asLong() > 0)) {
            return;
        }
        killOwner(c);
        // wait until every job of A's is taken (or the deadline), then judge: exactly one takeover each
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Map<String, List<ReplicaDeployment.Taken>> taken = c.deployment.takeovers();
        while (!taken.keySet().containsAll(c.jobs) && System.nanoTime() < end) {
            Thread.sleep(200);
            taken = c.deployment.takeovers();
        }
        Thread.sleep(3_000); // a late second taker would log by now
        taken = c.deployment.takeovers();
        for (String job : c.jobs) {
            List<ReplicaDeployment.Taken> by = taken.getOrDefault(job, List.of());
            if (by.size() != 1) {
                c.miss("job " + job + " taken over " + by.size() + " times: " + by);
            }
        }
        long byB = taken.values().stream().flatMap(List::stream).filter(t -> t.replica().equals("B")).count();
        long byC = taken.values().stream().flatMap(List::stream).filter(t -> t.replica().equals("C")).count();
        c.note("A's " + c.jobs.size() + " jobs went " + byB + " to B and " + byC + " to C");
    }

    private static boolean logHas(ChildScheduler r, String text) {
        try {
            return Files.readString(r.log(), StandardCharsets.ISO_8859_1).contains(text);
        } catch (IOException e) {
            return false;
        }
    }
}
