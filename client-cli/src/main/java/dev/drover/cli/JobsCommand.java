package dev.drover.cli;

import dev.drover.core.model.TaskStatus;
import dev.drover.scheduler.model.JobView;
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
        for (JobView j : server.client().jobs()) {
            out.printf("%-14s %-10s %10d %10d %10d  %s%n", j.jobId(), j.state(), j.total(),
                    JobSummary.count(j, TaskStatus.SUCCEEDED), JobSummary.notOk(j), j.name());
        }
        return 0;
    }
}
