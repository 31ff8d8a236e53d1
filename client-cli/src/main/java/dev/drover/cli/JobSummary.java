package dev.drover.cli;

import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import dev.drover.scheduler.model.JobView;
import dev.drover.scheduler.model.TaskView;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A job, a task and the fleet as people read them: {@code drover status}, {@code drover fleet}, {@code drover jobs}. */
final class JobSummary {
    private JobSummary() {}

    static long count(JobView j, TaskStatus status) {
        return j.counts().getOrDefault(status, 0L);
    }

    /** Tasks that ended without success: failed, timed out or cancelled. */
    static long notOk(JobView j) {
        return count(j, TaskStatus.FAILED) + count(j, TaskStatus.TIMED_OUT) + count(j, TaskStatus.CANCELLED);
    }

    static void print(JobView j, PrintWriter out) {
        out.printf("job %s (%s), owner %s: %s%s%n", j.jobId(), j.name(), j.owner(), j.state(),
                j.cancelReason() == null ? "" : " (" + j.cancelReason() + ")");
        out.printf("  tasks     %,d: %,d queued, %,d running, %,d succeeded, %,d failed, %,d timed out, %,d cancelled%n",
                j.total(), count(j, TaskStatus.QUEUED), count(j, TaskStatus.RUNNING), count(j, TaskStatus.SUCCEEDED),
                count(j, TaskStatus.FAILED), count(j, TaskStatus.TIMED_OUT), count(j, TaskStatus.CANCELLED));
        out.printf(Locale.ROOT, "  time      submitted %s%s, %.1f s wall, %.1f tasks/s, %d workers%n",
                Instant.ofEpochMilli(j.submittedAt()), j.finishedAt() > 0 ? ", ended " + Instant.ofEpochMilli(j.finishedAt()) : "",
                j.wallSeconds(), j.tasksPerSecond(), j.workers());
        out.printf(Locale.ROOT, "  cost      $%.6f (requests $%.6f, EC2 $%.6f)%s%n", j.requestUsd() + j.ec2Usd(), j.requestUsd(),
                j.ec2Usd(), j.budgetUsd() == null ? "" : String.format(Locale.ROOT, ", budget $%.2f", j.budgetUsd()));
        out.printf("  requests  %,d SQS, %,d DynamoDB writes, %,d reads, %,d S3; %,d duplicates skipped%n",
                j.sqsRequests(), j.dynamoWrites(), j.dynamoReads(), j.s3Requests(), j.duplicatesSkipped());
    }

    static void print(TaskView t, PrintWriter out) {
        out.printf("task %d of job %s: %s%s%n", t.seq(), t.jobId(), t.status(),
                t.worker() == null ? "" : " on " + t.worker()
                        + (t.startedAt() == null ? "" : " since " + Instant.ofEpochMilli(t.startedAt())));
        TaskResult r = t.result();
        if (r != null) {
            out.printf("  line %d: %s%n", r.line(), r.command());
            out.printf("  exit %s after %d ms, attempt %d%s%n", r.exitCode() == null ? "-" : r.exitCode(), r.durationMillis(),
                    r.attempts(), r.error() == null ? "" : "; " + r.error());
            if (!r.stdout().isEmpty()) {
                out.printf("  out| %s%n", r.stdout().strip().replace("\n", "\n  out| "));
            }
            if (!r.stderr().isEmpty()) {
                out.printf("  err| %s%n", r.stderr().strip().replace("\n", "\n  err| "));
            }
        }
    }

    /** The provisioner's status; an empty one is the in-JVM pool's, which has no fleet to show. */
    static void printFleet(Map<String, Object> f, PrintWriter out) {
        if (f.isEmpty()) {
            out.println("no fleet: this scheduler runs its tasks on an in-JVM pool (drover scheduler -lw N)");
            return;
        }
        out.printf("fleet: %s live (%s running, %s booting), desired %s of at most %s%n", f.get("live"), f.get("running"),
                f.get("booting"), f.get("desired"), f.get("maxWorkers"));
        out.printf("  launched %s so far (peak %s at once), %s worker-seconds, $%s%n", f.get("workersLaunched"),
                f.get("peakWorkers"), f.get("workerSeconds"), f.get("costUsd"));
        if (f.get("lastLaunchError") != null) {
            out.printf("  last launch error: %s%n", f.get("lastLaunchError"));
        }
        if (f.get("members") instanceof List<?> members && !members.isEmpty()) {
            out.printf("  %-24s %-9s %10s %10s%n", "WORKER", "STATE", "UPTIME S", "USD");
            for (Object o : members) {
                if (o instanceof Map<?, ?> m) {
                    out.printf("  %-24s %-9s %10s %10s%n", m.get("id"), m.get("state"), m.get("uptimeSeconds"), m.get("costUsd"));
                }
            }
        }
        if (f.get("decisions") instanceof List<?> decisions && !decisions.isEmpty()) {
            out.println("  last decisions:");
            decisions.forEach(d -> out.printf("    %s%n", d));
        }
    }
}
