package dev.drover.cli;

import dev.drover.scheduler.billing.Forecast;
import dev.drover.core.codec.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code drover submit --dry-run}: the scheduler's forecast of a workload, nothing queued. */
final class DryRun {
    private DryRun() {
    }

    /** Prints the forecast (as JSON to {@code json}, "-" for standard output); exit code 0, 2 for bad input, 1 if refused. */
    static int print(SchedulerClient client, Path workload, Path json, PrintWriter out, PrintWriter err)
            throws IOException, InterruptedException {
        Forecast f;
        try {
            f = client.dryRun(workload, workload.toString());
        } catch (SchedulerClient.ApiException e) {
            err.println("drover: " + e.getMessage());
            err.flush();
            return e.status == 400 ? Submission.BAD_INPUT : Submission.TASKS_NOT_OK;
        }
        String text = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(f);
        if (json != null && json.toString().equals("-")) {
            out.println(text);
            out.flush();
            return Submission.OK;
        }
        if (json != null) {
            Files.writeString(json, text + "\n");
        }
        out.printf("tasks              %,d%n", f.tasks());
        out.printf("task-seconds       %.3f (forecast)%n", f.taskSeconds());
        out.printf("duration           %.3f s on the fleet's threads, all busy%n", f.wallSeconds());
        out.printf("EC2                $%.6f%n", f.ec2Usd());
        out.printf("requests           $%.6f%n", f.requestUsd());
        out.printf("total              $%.6f%n", f.totalUsd());
        out.printf("basis              %s%n", f.explanation());
        out.println("nothing was queued (dry run)");
        out.flush();
        return Submission.OK;
    }
}
