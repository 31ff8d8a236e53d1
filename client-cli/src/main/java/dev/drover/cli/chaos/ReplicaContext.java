package dev.drover.cli.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/** What a replica scenario's fault can see and touch while the jobs run, and what it leaves for the judge. */
final class ReplicaContext {
    private static final long POLL_MS = 50;

    final ReplicaDeployment deployment;
    /** The job the client follows through every replica's address; submitted to the first (A), which owns it. */
    final String followedJob;
    /** Every job of the run, the followed one first. */
    final List<String> jobs;
    private final long deadlineNanos;
    private final List<String> notes = new CopyOnWriteArrayList<>();
    /** Wall-clock millis of the fault (kill -9, or the start of a stall); 0 before it. */
    final AtomicLong faultAt = new AtomicLong();
    /** What the scenario's own check found wrong, if anything. */
    private final List<String> misses = new CopyOnWriteArrayList<>();
    /** Jobs the fault submitted while it ran: judged with the others. */
    private final List<ReplicaRun.Late> late = new CopyOnWriteArrayList<>();
    private final Path dir;

    ReplicaContext(ReplicaDeployment deployment, String followedJob, List<String> jobs, long deadlineNanos, Path dir) {
        this.dir = dir;
        this.deployment = deployment;
        this.followedJob = followedJob;
        this.jobs = List.copyOf(jobs);
        this.deadlineNanos = deadlineNanos;
    }

    /**
     * Waits until the followed job's status, read from the first live replica from A on, satisfies
     * {@code condition}; false if it ended or time ran out first.
     */
    boolean awaitFollowed(Predicate<JsonNode> condition) throws InterruptedException {
        while (System.nanoTime() < deadlineNanos) {
            try {
                JsonNode job = deployment.job(followedJob);
                if (condition.test(job)) {
                    return true;
                }
                if (job.path("state").asText().equals("DONE")) {
                    miss("the job ended before the fault");
                    return false;
                }
            } catch (IOException | IllegalStateException e) {
                // a replica going down: ask again
            }
            Thread.sleep(POLL_MS);
        }
        miss("the fault's moment never came");
        return false;
    }

    /** kill -9 of replica {@code i}; the moment is the failover's start. */
    void kill(int i) {
        ChildScheduler r = deployment.replicas.get(i);
        faultAt.compareAndSet(0, System.currentTimeMillis());
        r.kill();
        note("kill -9 replica " + ReplicaDeployment.name(i));
    }

    /** Submits {@code workload} to replica {@code i} now, as one more job to judge (its own ledger). */
    String submitLate(int i, Workload workload, String name) throws IOException, InterruptedException {
        Ledger ledger = new Ledger(dir.resolve("ran-late-" + late.size() + ".log"));
        ChildScheduler r = deployment.replicas.get(i);
        String id = new JobClient(r.address(), r::token).submit(workload.text(ledger), name);
        late.add(new ReplicaRun.Late(workload, ledger, id));
        return id;
    }

    List<ReplicaRun.Late> late() {
        return List.copyOf(late);
    }

    void note(String note) {
        notes.add(note);
    }

    /** A failed own check: the scenario misses its target. */
    void miss(String why) {
        misses.add(why);
        notes.add(why);
    }

    List<String> notes() {
        return List.copyOf(notes);
    }

    List<String> misses() {
        return List.copyOf(misses);
    }
}
