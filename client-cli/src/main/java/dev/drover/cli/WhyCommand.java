package dev.drover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "why", mixinStandardHelpOptions = true,
        description = "Say why a task is not running: its place in the queue, the fleet at its cap, workers booting, "
        + "a launch refused (with EC2's error), the worker that holds it, or retries used up. "
        + "Without --task: the job's first task that has not started.")
final class WhyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ServerOption server;

    @Parameters(paramLabel = "JOB")
    String jobId;

    @Option(names = "--task", paramLabel = "SEQ", description = "The task (its number in the job, from 0).")
    Long task;

    @Override
    public Integer call() throws Exception {
        JsonNode why = server.client().why(jobId, task);
        PrintWriter out = spec.commandLine().getOut();
        if (why.has("seq")) {
            out.printf("job %s task %d: %s%n", jobId, why.get("seq").asLong(), why.get("status").asText());
        } else {
            out.printf("job %s%n", jobId);
        }
        for (JsonNode r : why.get("reasons")) {
            out.printf("  - %s  [%s]%n", r.get("text").asText(), r.get("code").asText());
        }
        return 0;
    }
}
