package dev.drover.cli;

import dev.drover.core.codec.Json;
import dev.drover.scheduler.model.JobView;
import dev.drover.scheduler.model.TaskView;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show a job's status: counts per status, throughput, cost; or one task's with --task (JSON with --json).")
final class StatusCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ServerOption server;

    @Parameters(paramLabel = "JOB")
    String jobId;

    @Option(names = "--task", paramLabel = "SEQ", description = "Show one task (its number in the job, from 0).")
    Long task;

    @Option(names = "--json", description = "Print the job (or task) as the API sends it, as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        SchedulerClient client = server.client();
        PrintWriter out = spec.commandLine().getOut();
        if (task != null) {
            TaskView t = client.task(jobId, task);
            if (json) {
                out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(t));
            } else {
                JobSummary.print(t, out);
            }
        } else {
            JobView j = client.job(jobId);
            if (json) {
                out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(j));
            } else {
                JobSummary.print(j, out);
            }
        }
        return 0;
    }
}
