package dev.drover.scheduler.billing;

import dev.drover.core.model.Commands;
import dev.drover.core.workload.TaskSpec;
import dev.drover.core.workload.WorkloadException;
import dev.drover.core.workload.WorkloadReader;
import dev.drover.scheduler.job.JobState;
import dev.drover.scheduler.model.Prices;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Forecasts a workload from what the scheduler's jobs measured: a {@code sleep N} takes N ms
 * exactly; a shell line, the mean of that line in the same user's earlier jobs, else the mean of
 * every shell task measured; dollars from what a task-second and a task have cost so far.
 */
final class Forecaster {
    private final Prices prices;

    Forecaster(Prices prices) {
        this.prices = prices;
    }

    Forecast forecast(InputStream workload, String name, String owner, List<JobState> jobs, int fleetThreads)
            throws WorkloadException, IOException {
        Map<String, long[]> mine = new HashMap<>();
        long shellMillis = 0;
        long shellRuns = 0;
        double ec2 = 0;
        double taskSeconds = 0;
        double requestUsd = 0;
        long finished = 0;
        double myRequestUsd = 0;
        long myFinished = 0;
        for (JobState j : jobs) {
            if (j.owner().equals(owner)) {
                j.times().commandTimes().forEach((cmd, t) -> {
                    long[] sum = mine.computeIfAbsent(cmd, k -> new long[2]);
                    sum[0] += t[0];
                    sum[1] += t[1];
                });
            }
            long[] shell = j.times().shellTime();
            shellMillis += shell[0];
            shellRuns += shell[1];
            var view = j.view(0);
            ec2 += view.ec2Usd();
            taskSeconds += view.taskSeconds();
            long done = j.total() - j.remaining();
            requestUsd += view.requestUsd();
            finished += done;
            if (j.owner().equals(owner)) {
                myRequestUsd += view.requestUsd();
                myFinished += done;
            }
        }
        double fleetMean = shellRuns == 0 ? -1 : (double) shellMillis / shellRuns;
        Map<String, Long> basis = new LinkedHashMap<>();
        for (String k : List.of("sleep", "yourJobs", "fleet", "unmeasured")) {
            basis.put(k, 0L);
        }
        double millis = 0;
        long tasks = 0;
        try (WorkloadReader reader = new WorkloadReader(workload, name)) {
            for (TaskSpec spec = reader.next(); spec != null; spec = reader.next()) {
                tasks++;
                long sleep = Commands.sleepMillis(spec.command());
                long[] seen = mine.get(spec.command());
                if (sleep >= 0) {
                    millis += sleep;
                    basis.merge("sleep", 1L, Long::sum);
                } else if (seen != null && seen[1] > 0) {
                    millis += (double) seen[0] / seen[1];
                    basis.merge("yourJobs", 1L, Long::sum);
                } else if (fleetMean >= 0) {
                    millis += fleetMean;
                    basis.merge("fleet", 1L, Long::sum);
                } else {
                    basis.merge("unmeasured", 1L, Long::sum);
                }
            }
        }
        if (tasks == 0) {
            throw new WorkloadException(name, 0, "no tasks in the workload");
        }
        double perTaskSecond = taskSeconds > 0 ? ec2 / taskSeconds : 0;
        double perTask = myFinished > 0 ? myRequestUsd / myFinished : finished > 0 ? requestUsd / finished : 0;
        double seconds = Math.round(millis) / 1000.0;
        double ec2Usd = Prices.micro(seconds * perTaskSecond);
        double reqUsd = Prices.micro(tasks * perTask);
        String explanation = String.format("%d exact (sleep), %d from the mean of the same line in your earlier jobs, "
                        + "%d from the mean of all %d shell tasks measured, %d unmeasured (0 s); $%.6f EC2 per task-second "
                        + "and $%.6f of requests per task so far (%s)", basis.get("sleep"), basis.get("yourJobs"),
                basis.get("fleet"), shellRuns, basis.get("unmeasured"), perTaskSecond, perTask,
                myFinished > 0 ? "your jobs" : finished > 0 ? "all jobs" : "nothing measured yet");
        return new Forecast(tasks, seconds, Math.round(millis / Math.max(1, fleetThreads)) / 1000.0, ec2Usd, reqUsd,
                Prices.micro(ec2Usd + reqUsd), basis, perTaskSecond, perTask, explanation);
    }
}
