package dev.drover.cli.chaos;

import dev.drover.cli.chaos.ChaosStack.Emulator;
import dev.drover.cli.chaos.Workload.Flavor;
import java.time.Duration;
import java.util.List;

/** The catalogue: every fault the harness knows, in a full and a quick (smaller, shorter) form. */
final class Scenarios {
    private Scenarios() {
    }

    static List<Scenario> all(boolean quick) {
        int tasks = quick ? 24 : 60;
        int ms = quick ? 400 : 600;
        Workload plain = new Workload(tasks, ms, Flavor.PLAIN);
        // long enough for the spot watcher's 5 s poll and for several heartbeats per bundle
        Workload longer = new Workload(quick ? 32 : 60, quick ? 800 : 1500, Flavor.PLAIN);
        Duration outage = Duration.ofSeconds(quick ? 5 : 20);
        Plan fixed = Plan.fixed(2);
        // tasks that outlast the stop, and tasks a drain waits for while the emulators are gone
        Workload sleeps = new Workload(40, 300_000, Flavor.PLAIN);
        Workload draining = new Workload(16, 4_000, Flavor.PLAIN);
        return List.of(
                new Scenario("worker-kill-elastic", "kill -9 of a busy worker of an elastic fleet",
                        Plan.elastic(3), plain, Scenarios::killBusyWorker),
                new Scenario("worker-kill-fixed", "kill -9 of a busy worker of a fixed fleet of 2",
                        fixed, plain, Scenarios::killBusyWorker),
                new Scenario("worker-sigterm", "SIGTERM of a busy worker: it drains and hands the rest back",
                        fixed, plain, c -> {
                            if (c.awaitStarted(tasks / 4)) {
                                c.terminateWorker(c.busyWorker());
                            }
                        }),
                new Scenario("scheduler-kill-dispatch", "kill -9 of a child scheduler as soon as it has dispatched, then a restart",
                        fixed.withChildScheduler().withPersistence(), plain, c -> {
                            if (c.awaitJob(job -> job.path("dispatched").asLong() > 0)) {
                                restartScheduler(c);
                            }
                        }),
                new Scenario("scheduler-kill-collect", "kill -9 of a child scheduler a third of the way through the results, then a restart",
                        fixed.withChildScheduler().withPersistence(), plain, c -> {
                            if (c.awaitJob(job -> job.path("counts").path("SUCCEEDED").asLong() >= tasks / 3)) {
                                restartScheduler(c);
                            }
                        }),
                new Scenario("sqs-kill", "kill -9 of ElasticMQ (with --data), restarted on its port 2 s later",
                        fixed.withPersistence(), plain, c -> killEmulator(c, Emulator.SQS, tasks / 4)),
                new Scenario("dynamodb-kill", "kill -9 of dynoxide (with --data), restarted on its port 2 s later",
                        fixed.withPersistence(), plain, c -> killEmulator(c, Emulator.DYNAMODB, tasks / 4)),
                new Scenario("duplicate-delivery", "every SendMessage(Batch) of scheduler and workers reaches SQS twice",
                        fixed.withChildScheduler().via(Plan.Hop.DUPLICATE_SENDS), plain, Fault.NONE),
                new Scenario("visibility-expiry", "every visibility change of the workers is rewritten to 0 s",
                        fixed.via(Plan.Hop.EXPIRE_VISIBILITY), longer, Fault.NONE),
                new Scenario("spot-interruption", "a spot interruption notice from the IMDS stand-in to one of 2 workers",
                        fixed.withSpotWorker(), longer, c -> {
                            if (c.awaitStarted(longer.tasks() / 4)) {
                                c.deployment.spotWorkerPid().ifPresent(c.deployment.interrupted::add);
                                c.deployment.imds.orElseThrow().interrupt();
                                c.note("spot notice posted");
                            }
                        }),
                new Scenario("poison-task", "one task kills its worker JVM every time it runs, on an elastic fleet",
                        Plan.elastic(3), new Workload(tasks, ms, Flavor.POISON), Fault.NONE)
                        // 5 deliveries of its bundle and 5 of the poison alone, each a dead worker and a lease
                        .atLeast(Duration.ofSeconds(quick ? 150 : 240)),
                new Scenario("unsendable-line", "a job whose line SQS refuses (U+FFFF) is submitted before a normal one",
                        fixed, new Workload(tasks, ms, Flavor.UNSENDABLE_NEIGHBOUR), Fault.NONE),
                new Scenario("big-output", "every task writes 300 KB to stdout",
                        fixed, new Workload(quick ? 12 : 30, ms, Flavor.BIG_OUTPUT), Fault.NONE),
                new Scenario("network-drop", "connections from workers to the emulators dropped for " + outage.toSeconds() + " s",
                        fixed.via(Plan.Hop.NETWORK), plain, c -> networkFault(c, ChaosProxy.Mode.DROP, outage, tasks / 4)),
                new Scenario("network-stall", "traffic from workers to the emulators stalled for " + outage.toSeconds() + " s",
                        fixed.via(Plan.Hop.NETWORK), plain, c -> networkFault(c, ChaosProxy.Mode.STALL, outage, tasks / 4)),
                Scenario.selfJudged("dependency-kill", DependencyKill.DESCRIPTION, DependencyKill.workload(), DependencyKill::run),
                Scenario.selfJudged("run-stopped", "SIGINT, SIGTERM and kill -9 of drover run mid-job: none of its processes is left "
                        + StopScenarios.LEFT_BEHIND_AFTER.toSeconds() + " s later", sleeps,
                        (dir, progress) -> StopScenarios.runStopped(sleeps, dir, progress)),
                Scenario.selfJudged("aws-gone", "every emulator killed, then SIGTERM to each worker: each exits within its bound, "
                        + "saying what it could not hand back", draining,
                        (dir, progress) -> StopScenarios.awsGone(draining, dir, progress)));
    }

    private static void killBusyWorker(FaultContext c) throws InterruptedException {
        if (c.awaitStarted(3)) {
            c.killWorker(c.busyWorker());
        }
    }

    private static void restartScheduler(FaultContext c) throws Exception {
        var job = c.deployment.client.job(c.jobId);
        c.deployment.scheduler.kill();
        c.note("kill -9 scheduler at dispatched " + job.path("dispatched").asLong() + "/" + job.path("total").asLong()
                + ", succeeded " + job.path("counts").path("SUCCEEDED").asLong());
        c.hold(Duration.ofSeconds(1));
        c.deployment.scheduler.restart();
        c.note("scheduler restarted");
    }

    private static void killEmulator(FaultContext c, Emulator emulator, int after) throws InterruptedException {
        if (c.awaitStarted(after)) {
            c.stack.killAndRestart(emulator, Duration.ofSeconds(2));
            c.note(emulator + " killed and restarted");
        }
    }

    private static void networkFault(FaultContext c, ChaosProxy.Mode mode, Duration outage, int after) throws InterruptedException {
        if (c.awaitStarted(after)) {
            c.deployment.network.forEach(p -> p.mode(mode));
            c.note("network " + mode + " for " + outage.toSeconds() + " s");
            try {
                c.hold(outage);
            } finally {
                c.deployment.network.forEach(p -> p.mode(ChaosProxy.Mode.FORWARD));
            }
        }
    }
}
