package dev.drover.scheduler.why;

import dev.drover.core.model.JobStatus;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import dev.drover.core.port.MessageQueue.QueueDepth;
import dev.drover.scheduler.model.JobView;
import dev.drover.scheduler.Engine;
import dev.drover.scheduler.dispatch.FairStandings;
import dev.drover.scheduler.model.Policy;
import dev.drover.scheduler.job.JobState;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Why a task is not running, in one explanation that reaches every layer: its place in the job and
 * among other users' work, the queue, the fleet (at its cap, still booting, a launch refused with
 * EC2's error), the worker that holds it, or the retries it used up.
 */
public final class Why {
    private final Engine scheduler;
    private final Supplier<Map<String, Object>> fleet;
    private final Supplier<QueueDepth> queue;

    public Why(Engine scheduler, Supplier<Map<String, Object>> fleet, Supplier<QueueDepth> queue) {
        this.scheduler = scheduler;
        this.fleet = fleet;
        this.queue = queue;
    }

    /** One reason: a stable code for scripts and a sentence for people. */
    public record Reason(String code, String text) {}

    /** The explanation for one task, or (seq null) for the job's first task that has not started. */
    public Optional<Map<String, Object>> explain(String jobId, Long seq) throws IOException {
        Optional<JobState> found = scheduler.job(jobId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        JobState job = found.get();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("jobId", jobId);
        List<Reason> reasons = new ArrayList<>();
        long task;
        if (seq == null) {
            task = job.firstQueued();
            if (task < 0) {
                JobView v = job.view(System.currentTimeMillis());
                long running = v.counts().get(TaskStatus.RUNNING);
                reasons.add(job.done() ? new Reason("done", "the job is " + v.state() + ": every task has a final status")
                        : new Reason("running", "every task left is running or done: " + running + " running"));
                out.put("reasons", reasons);
                return Optional.of(out);
            }
        } else {
            if (seq < 0 || seq >= job.total()) {
                return Optional.empty();
            }
            task = seq;
        }
        out.put("seq", task);
        TaskStatus status = job.status(task);
        out.put("status", status);
        if (status.isFinal()) {
            TaskResult r = job.log().find(task).orElse(null);
            if (r != null && (status == TaskStatus.FAILED || status == TaskStatus.TIMED_OUT)) {
                reasons.add(new Reason("retries-used-up", status + " after " + r.attempts() + " attempt" + (r.attempts() == 1 ? "" : "s")
                        + (r.exitCode() != null ? " (exit " + r.exitCode() + ")" : "") + (r.error() != null ? ": " + r.error() : "")
                        + "; its retries are used up, so it will not run again"));
            } else if (r != null && status == TaskStatus.CANCELLED && r.error() != null && r.error().startsWith("dependency")) {
                reasons.add(new Reason("dependency", "CANCELLED: " + r.error() + " (a task it waits on did not succeed)"));
            } else if (status == TaskStatus.CANCELLED && JobState.CANCELLED_FOR_BUDGET.equals(job.cancelReason())) {
                reasons.add(budget(job));
            } else {
                reasons.add(new Reason("final", "it is " + status + ": it will not run again"));
            }
        } else if (status == TaskStatus.RUNNING) {
            job.running(task).ifPresent(run -> reasons.add(new Reason("held", "held by worker " + run.worker() + " since "
                    + Instant.ofEpochMilli(run.startedAt()) + ", running")));
        } else {
            queued(job, task, reasons);
        }
        out.put("reasons", reasons);
        return Optional.of(out);
    }

    private void queued(JobState job, long task, List<Reason> reasons) {
        if (job.cancelled()) {
            reasons.add(JobState.CANCELLED_FOR_BUDGET.equals(job.cancelReason()) ? budget(job)
                    : new Reason("cancelled", "the job is cancelled"));
            return;
        }
        if (job.dependencies().waitingForJobs()) {
            for (String id : job.dependencies().afterJobs()) {
                scheduler.status(id).filter(v -> v.finishedAt() == 0).ifPresent(v -> reasons.add(new Reason("waiting-for-job",
                        "waiting for job " + id + " (submit --after): " + v.counts().getOrDefault(TaskStatus.SUCCEEDED, 0L)
                                + " of " + v.total() + " done")));
            }
            return;
        }
        List<String> waits = job.dependencies().waitingFor(task);
        if (!waits.isEmpty()) {
            waits.forEach(w -> reasons.add(new Reason("dependency", w)));
            return;
        }
        long userOutstanding = scheduler.jobStates().stream().filter(j -> j.owner().equals(job.owner()))
                .mapToLong(JobState::outstanding).sum();
        long maxRunning = scheduler.quotas().maxRunningTasks();
        if (!job.sent(task) && userOutstanding >= maxRunning) {
            reasons.add(new Reason("running-quota", "the user's running quota (Quotas.maxRunningTasks) is reached: "
                    + userOutstanding + " of " + maxRunning + " tasks on the queue or running; the rest waits at the"
                    + " scheduler until some end"));
        }
        long ahead = job.queuedBefore(task);
        long others = 0;
        for (JobView v : scheduler.list()) {
            if (!v.owner().equals(job.owner()) && v.finishedAt() == 0 && v.state() != JobStatus.CANCELLED) {
                others += v.counts().get(TaskStatus.QUEUED);
            }
        }
        boolean dispatched = job.sent(task);
        String place = "queued behind " + ahead + " task" + (ahead == 1 ? "" : "s") + " of this job";
        if (others > 0) {
            place += " and sharing the fleet with " + others + " queued tasks of other users"
                    + (scheduler.policy() == Policy.FAIR ? fairPlace(job.owner()) : " (the dispatcher takes turns between users)");
        }
        reasons.add(new Reason("queued", place + (dispatched ? "; its bundle is on the request queue" : "; not yet sent to the queue")));
        QueueDepth q = queue.get();
        reasons.add(new Reason("queue", "the request queue holds " + q.visible() + " bundles waiting and " + q.inFlight()
                + " taken by workers"));
        Map<String, Object> f = fleet.get();
        if (!f.containsKey("maxWorkers")) {
            reasons.add(new Reason("pool-busy", "every worker of the fixed pool is busy"));
            return;
        }
        long max = number(f.get("maxWorkers"));
        long live = number(f.get("live"));
        long wanted = number(f.get("wanted"));
        long booting = number(f.get("booting"));
        if (f.get("lastLaunchError") instanceof Map<?, ?> err) {
            reasons.add(new Reason("launch-refused", "a launch of " + err.get("workers") + " workers was refused at "
                    + Instant.ofEpochMilli(number(err.get("at"))) + ": " + err.get("error")));
        }
        if (live >= max && wanted > live) {
            reasons.add(new Reason("fleet-at-cap", "the fleet is at its cap: " + live + " of " + max
                    + " workers (the backlog asks for " + wanted + "; raise --max-workers)"));
        }
        if (booting > 0) {
            long since = Long.MAX_VALUE;
            if (f.get("members") instanceof List<?> members) {
                for (Object o : members) {
                    if (o instanceof Map<?, ?> m && "booting".equals(m.get("state"))) {
                        since = Math.min(since, number(m.get("launchedAt")));
                    }
                }
            }
            reasons.add(new Reason("booting", booting + " worker" + (booting == 1 ? " is" : "s are") + " still booting"
                    + (since == Long.MAX_VALUE ? "" : ", the oldest since " + Instant.ofEpochMilli(since))));
        }
        if (live == 0 && !(f.get("lastLaunchError") instanceof Map)) {
            reasons.add(new Reason("no-workers", "no worker is alive yet; the provisioner launches for the backlog"));
        } else if (booting == 0 && live > 0 && live < max) {
            reasons.add(new Reason("fleet-busy", "every one of the " + live + " workers is busy"));
        }
    }

    /** Budget reached: the job's own (spend at or over it), else its user's monthly budget. */
    private static Reason budget(JobState job) {
        JobView v = job.view(System.currentTimeMillis());
        double spent = v.requestUsd() + v.ec2Usd();
        if (v.budgetUsd() != null && spent >= v.budgetUsd()) {
            return new Reason("budget", String.format("budget reached: the job spent $%.6f of its budget of $%.6f, so its"
                    + " remaining tasks were cancelled", spent, v.budgetUsd()));
        }
        return new Reason("budget", "budget reached: user " + job.owner() + "'s monthly budget is spent, so the job's"
                + " remaining tasks were cancelled");
    }

    /** The owner's place in the fair share: who sends next is the user holding the least for their weight. */
    private String fairPlace(String owner) {
        for (FairStandings.Standing s : scheduler.standings()) {
            if (s.user().equals(owner) && s.place() > 0) {
                return String.format(" (fair share: %s is %s of %d users waiting to send, holding %d tasks on the queue or"
                        + " running at weight %d; the user holding the least for their weight sends next)",
                        owner, ordinal(s.place()), s.usersWaiting(), s.outstandingTasks(), s.weight());
            }
        }
        return " (fair share: every task of " + owner + " is sent)";
    }

    private static String ordinal(int n) {
        String suffix = n % 100 / 10 == 1 ? "th" : switch (n % 10) {
            case 1 -> "st";
            case 2 -> "nd";
            case 3 -> "rd";
            default -> "th";
        };
        return n + suffix;
    }

    private static long number(Object o) {
        return o instanceof Number n ? n.longValue() : 0;
    }
}
