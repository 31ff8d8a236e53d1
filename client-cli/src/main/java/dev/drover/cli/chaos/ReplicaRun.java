package dev.drover.cli.chaos;

import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Runs one replica scenario on a stack of its own: N replicas, a fixed fleet, the jobs (the followed
 * one through {@code drover submit --wait -s A,B,C}), the fault on its own thread; then judges it from
 * the ledgers (what ran), the results the client received (what reached the user, each once), its exit
 * code, and the scenario's own check.
 */
final class ReplicaRun {
    private static final long POLL_MS = 200;
    private static final Duration SUBMIT_WITHIN = Duration.ofSeconds(60);

    /** A job beside the followed one, submitted straight to replica {@code replica}. */
    record Extra(Workload workload, int replica) {}

    /** A job the fault submitted while it ran, and its ledger. */
    record Late(Workload workload, Ledger ledger, String id) {}

    /**
     * One replica scenario: how many replicas, the followed job, the others, the fault, the time it may take, and
     * whether the replicas launch their own fleet ({@code --local-fleet}, up to {@link #LOCAL_FLEET_MAX} workers)
     * instead of the harness's fixed 2 workers.
     */
    record Case(int replicas, Workload followed, List<Extra> extras, ReplicaFault fault, Duration deadline, boolean localFleet) {
        Case(int replicas, Workload followed, List<Extra> extras, ReplicaFault fault, Duration deadline) {
            this(replicas, followed, extras, fault, deadline, false);
        }
    }

    /** The most workers a scenario's local fleet may have (2 threads each). */
    static final int LOCAL_FLEET_MAX = 4;

    @FunctionalInterface
    interface ReplicaFault {
        void inject(ReplicaContext context) throws Exception;
    }

    private ReplicaRun() {
    }

    /** One job's ledger and, once it ended, its results as the client (or, for an extra, the API) gave them. */
    private record Job(Workload workload, Ledger ledger, String id, List<TaskResult> results) {}

    static Outcome run(String name, Case c, Path scenarioDir, PrintWriter progress) throws Exception {
        progress.printf("chaos: %s: %d replicas...%n", name, c.replicas());
        progress.flush();
        Path dir = scenarioDir.resolve("run-1");
        for (int n = 2; Files.exists(dir); n++) { // --repeat: each run its own ledgers and logs
            dir = scenarioDir.resolve("run-" + n);
        }
        Files.createDirectories(dir);
        List<String> notes = new ArrayList<>();
        try (ChaosStack stack = ChaosStack.start(false, dir.resolve("stack"));
             ReplicaDeployment d = new ReplicaDeployment(stack, c.replicas(), c.localFleet() ? LOCAL_FLEET_MAX : 2, 2, dir, c.localFleet())) {
            long start = System.nanoTime();
            long deadline = start + c.deadline().toNanos();
            List<String> extraIds = new ArrayList<>();
            List<Ledger> extraLedgers = new ArrayList<>();
            for (int i = 0; i < c.extras().size(); i++) {
                Extra e = c.extras().get(i);
                Ledger ledger = new Ledger(dir.resolve("ran-extra-" + i + ".log"));
                extraLedgers.add(ledger);
                extraIds.add(new JobClient(d.replicas.get(e.replica()).address(), d.replicas.get(e.replica())::token)
                        .submit(e.workload().text(ledger), name + "-extra-" + i));
            }
            Ledger ledger = new Ledger(dir.resolve("ran.log"));
            Path workload = Files.writeString(dir.resolve("workload.txt"), c.followed().text(ledger));
            FollowingClient client = new FollowingClient(d.addresses(), stack.adminTokenFile(), workload, dir.resolve("client"));
            String followed = awaitSubmitted(client);
            List<String> all = new ArrayList<>(List.of(followed));
            all.addAll(extraIds);
            ReplicaContext context = new ReplicaContext(d, followed, all, deadline, dir);
            Thread faultThread = new Thread(() -> {
                try {
                    c.fault().inject(context);
                } catch (InterruptedException e) {
                    context.miss("fault interrupted at the deadline");
                } catch (Exception | Error e) {
                    context.miss("fault failed: " + e);
                }
            }, "chaos-fault-" + name);
            faultThread.start();
            Optional<Integer> exit = client.await((deadline - System.nanoTime()) / 1_000_000);
            long clientEnded = System.currentTimeMillis();
            double wall = (System.nanoTime() - start) / 1e9;
            boolean ended = exit.isPresent();
            for (String id : extraIds) {
                ended &= awaitEnded(d, id, deadline);
            }
            faultThread.join(Duration.ofSeconds(90).toMillis());
            faultThread.interrupt();
            for (Late late : context.late()) {
                ended &= awaitEnded(d, late.id(), Math.max(deadline, System.nanoTime() + Duration.ofSeconds(30).toNanos()));
            }
            exit.ifPresentOrElse(code -> {
                if (code != 0) {
                    context.miss("the client exited " + code + ": " + client.lastWords());
                }
            }, () -> context.note("the client was still following at the deadline: " + client.lastWords()));
            notes.addAll(context.notes());

            List<Job> jobs = new ArrayList<>();
            jobs.add(new Job(c.followed(), ledger, followed, client.received()));
            for (int i = 0; i < extraIds.size(); i++) {
                jobs.add(new Job(c.extras().get(i).workload(), extraLedgers.get(i), extraIds.get(i), results(d, extraIds.get(i), notes)));
            }
            for (Late late : context.late()) {
                jobs.add(new Job(late.workload(), late.ledger(), late.id(), results(d, late.id(), notes)));
            }
            notes.add(lags(d, followed, jobs.get(0).results(), clientEnded));
            client.keepLog(dir.resolve("client").resolve("stderr.log"));
            client.close();
            OptionalLong failover = failover(jobs.get(0).results(), context.faultAt.get());
            failover.ifPresent(ms -> notes.add("failover " + ms + " ms (kill to the first task the new owner dispatched)"));
            long faultAt = context.faultAt.get();
            Map<String, List<ReplicaDeployment.Taken>> takeovers = d.takeovers();
            Long takeover = faultAt == 0 ? null : takeovers.getOrDefault(followed, List.of()).stream()
                    .mapToLong(t -> t.atMillis() - faultAt).filter(ms -> ms >= 0).boxed().min(Long::compare).orElse(null);
            takeovers.forEach((job, by) -> notes.add("job " + job + " taken over by " + by.stream()
                    .map(t -> t + (faultAt > 0 ? String.format(" %.1f s after the fault", (t.atMillis() - faultAt) / 1000.0) : ""))
                    .collect(java.util.stream.Collectors.joining(", "))));
            return judge(name, jobs, d.deadWorkers(), ended, wall, context.misses(), notes,
                    failover.isPresent() ? failover.getAsLong() : null, takeover);
        }
    }

    private static String awaitSubmitted(FollowingClient client) throws InterruptedException {
        long end = System.nanoTime() + SUBMIT_WITHIN.toNanos();
        while (System.nanoTime() < end) {
            Optional<String> id = client.jobId();
            if (id.isPresent()) {
                return id.get();
            }
            if (client.done()) {
                break;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("drover submit did not submit: " + client.lastWords());
    }

    /** Until a live replica says the job is DONE or CANCELLED: its owner, or (ended) any replica, from the store. */
    private static boolean awaitEnded(ReplicaDeployment d, String jobId, long deadlineNanos) throws InterruptedException {
        do {
            for (JobClient replica : d.live()) {
                try {
                    if (replica.ended(jobId)) {
                        return true;
                    }
                } catch (IOException e) {
                    // not the owner of a running job, or restarting: ask the next
                }
            }
            Thread.sleep(POLL_MS);
        } while (System.nanoTime() < deadlineNanos);
        return false;
    }

    /** The job's results from the first live replica that gives them, and which one did. */
    private static List<TaskResult> results(ReplicaDeployment d, String jobId, List<String> notes) {
        List<String> refusals = new ArrayList<>();
        for (int i = 0; i < d.replicas.size(); i++) {
            ChildScheduler r = d.replicas.get(i);
            if (!r.alive()) {
                continue;
            }
            try {
                List<TaskResult> results = new JobClient(r.address(), r::token).results(jobId);
                if (!refusals.isEmpty()) {
                    notes.add("results of " + jobId + ": " + String.join(", ", refusals) + "; " + ReplicaDeployment.name(i)
                            + " gave " + results.size());
                }
                return results;
            } catch (IOException e) {
                refusals.add(ReplicaDeployment.name(i) + " " + e.getMessage().replace("results of " + jobId + ": ", ""));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        notes.add("results of " + jobId + " unreadable: " + String.join(", ", refusals));
        return List.of();
    }

    /**
     * Where the time after the last task went: from its end to the job's end (results reaching the
     * owner), and from the job's end to the client's exit (results reaching the client).
     */
    private static String lags(ReplicaDeployment d, String jobId, List<TaskResult> results, long clientEnded) {
        long lastTask = results.stream().mapToLong(TaskResult::finishedAt).max().orElse(0);
        long jobEnded = 0;
        List<String> states = new ArrayList<>();
        for (int i = 0; i < d.replicas.size(); i++) {
            ChildScheduler r = d.replicas.get(i);
            if (!r.alive()) {
                continue;
            }
            try {
                var job = new JobClient(r.address(), r::token).job(jobId);
                states.add(ReplicaDeployment.name(i) + " " + job.path("state").asText() + " "
                        + job.path("counts").path("SUCCEEDED").asLong() + "/" + job.path("total").asLong());
                jobEnded = Math.max(jobEnded, job.path("finishedAt").asLong());
            } catch (IOException e) {
                states.add(ReplicaDeployment.name(i) + " " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return String.format("the job as each replica tells it: %s; last task ended %s s before the job, the job %s s before"
                        + " the client's exit", String.join(", ", states),
                lastTask > 0 && jobEnded > 0 ? String.format("%.1f", (jobEnded - lastTask) / 1000.0) : "?",
                jobEnded > 0 ? String.format("%.1f", (clientEnded - jobEnded) / 1000.0) : "?");
    }

    /** From the fault to the first task dispatched after it (its bundle's queuedAt), by the new owner. */
    static OptionalLong failover(List<TaskResult> results, long faultAt) {
        if (faultAt == 0) {
            return OptionalLong.empty();
        }
        OptionalLong first = results.stream().mapToLong(TaskResult::queuedAt).filter(q -> q > faultAt).min();
        return first.isPresent() ? OptionalLong.of(first.getAsLong() - faultAt) : OptionalLong.empty();
    }

    private static Outcome judge(String name, List<Job> jobs, Set<Long> deadWorkers, boolean ended, double wall,
                                 List<String> misses, List<String> notes, Long failoverMillis, Long takeoverMillis) {
        int tasks = 0;
        int lost = 0;
        int twice = 0;
        int explained = 0;
        int missing = 0;
        int duplicates = 0;
        int failed = 0;
        for (Job j : jobs) {
            tasks += j.workload().tasks();
            Ledger.Counts counts = Ledger.count(j.ledger().runs(), j.workload().tags(), deadWorkers);
            lost += counts.lost();
            twice += counts.runTwice();
            explained += counts.runTwiceExplained();
            long distinct = j.results().stream().mapToLong(TaskResult::seq).distinct().count();
            if (counts.lost() > 0 || counts.runTwice() > 0 || distinct != j.workload().tasks() || j.results().size() != distinct) {
                notes.add(String.format("job %s%s: ran %d of %d (%d twice), %d results of %d distinct tasks", j.id(),
                        j == jobs.get(0) ? " (followed)" : "", j.workload().tasks() - counts.lost(), j.workload().tasks(),
                        counts.runTwice(), j.results().size(), distinct));
            }
            missing += (int) (j.workload().tasks() - distinct);
            duplicates += (int) (j.results().size() - distinct);
            failed += (int) j.results().stream().filter(r -> r.status() != TaskStatus.SUCCEEDED).count();
        }
        if (!ended) {
            notes.add("not every job ended in time");
        }
        boolean met = ended && lost == 0 && twice == explained && missing == 0 && duplicates == 0 && failed == 0 && misses.isEmpty();
        return new Outcome(name, tasks, lost, twice, explained, missing, duplicates, failed, ended, wall, Double.NaN, met,
                List.copyOf(notes), failoverMillis, takeoverMillis);
    }
}
