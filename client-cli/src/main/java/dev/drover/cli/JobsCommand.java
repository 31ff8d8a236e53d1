package dev.drover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "jobs", mixinStandardHelpOptions = true, description = "List the scheduler's jobs.")
final class JobsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ServerOption server;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%-14s %-10s %10s %10s %10s  %s%n", "JOB", "STATE", "TASKS", "SUCCEEDED", "NOT OK", "NAME");
        for (JsonNode j : server.client().jobs()) {
            JsonNode c = j.get("counts");
            long notOk = c.path("FAILED").asLong() + c.path("TIMED_OUT").asLong() + c.path("CANCELLED").asLong();
            out.printf("%-14s %-10s %10d %10d %10d  %s%n", j.get("jobId").asText(), j.get("state").asText(),
                    j.get("total").asLong(), c.path("SUCCEEDED").asLong(), notOk, j.get("name").asText());
        }
        return 0;
    }
}
