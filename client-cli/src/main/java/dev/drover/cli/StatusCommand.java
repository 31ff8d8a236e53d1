package dev.drover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.core.codec.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show a job's status: counts per status, throughput, cost; or one task's with --task.")
final class StatusCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ServerOption server;

    @Parameters(paramLabel = "JOB")
    String jobId;

    @Option(names = "--task", paramLabel = "SEQ", description = "Show one task (its number in the job, from 0).")
    Long task;

    @Override
    public Integer call() throws Exception {
        SchedulerClient client = server.client();
        JsonNode node = task != null ? client.task(jobId, task) : client.job(jobId);
        spec.commandLine().getOut().println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node));
        return 0;
    }
}
