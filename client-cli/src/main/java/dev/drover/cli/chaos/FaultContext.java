package dev.drover.cli.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** What a {@link Fault} can see and touch while its job runs. */
final class FaultContext {
    private static final long POLL_MS = 20;

    final Deployment deployment;
    final ChaosStack stack;
    final String jobId;
    private final Ledger ledger;
    private final long deadlineNanos;
    private final List<String> notes = new CopyOnWriteArrayList<>();

    FaultContext(Deployment deployment, ChaosStack stack, Ledger ledger, String jobId, long deadlineNanos) {
        this.deployment = deployment;
        this.stack = stack;
        this.ledger = ledger;
        this.jobId = jobId;
        this.deadlineNanos = deadlineNanos;
    }

    /** Waits until {@code n} task runs are in the ledger; false if the job ended or time ran out first. */
    boolean awaitStarted(int n) throws InterruptedException {
        return awaitJob(job -> ledger.runs().size() >= n);
    }

    /** Waits until the job's status satisfies {@code condition}; false if the job ended or time ran out first. */
    boolean awaitJob(Predicate<JsonNode> condition) throws InterruptedException {
        while (System.nanoTime() < deadlineNanos) {
            try {
                JsonNode job = deployment.client.job(jobId);
                if (condition.test(job)) {
                    return true;
                }
                if (job.path("state").asText().equals("DONE")) {
                    note("the job ended before the fault");
                    return false;
                }
            } catch (IOException e) {
                // the scheduler is restarting: ask again
            }
            Thread.sleep(POLL_MS);
        }
        return false;
    }

    /** The worker JVM that started the latest task run: one that is mid-bundle right now. */
    long busyWorker() {
        List<Ledger.Run> runs = ledger.runs();
        return runs.get(runs.size() - 1).workerPid();
    }

    void killWorker(long pid) {
        deployment.interrupted.add(pid);
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        note("kill -9 worker " + pid);
    }

    void terminateWorker(long pid) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        note("SIGTERM worker " + pid);
    }

    void hold(Duration duration) throws InterruptedException {
        Thread.sleep(duration.toMillis());
    }

    void note(String note) {
        notes.add(note);
    }

    List<String> notes() {
        return List.copyOf(notes);
    }
}
