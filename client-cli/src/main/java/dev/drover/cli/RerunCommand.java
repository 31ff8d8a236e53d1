package dev.drover.cli;

import dev.drover.scheduler.model.JobView;
import dev.drover.core.codec.Json;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "rerun", mixinStandardHelpOptions = true,
        description = "Submit some of a job's tasks again, as a new job of yours: its failed tasks (--failed), or one "
        + "failure group (--group ID: the id the dashboard shows beside a group of failures with one exit code and "
        + "first line of stderr). Same command lines, directives and files. Prints the new job's id.")
final class RerunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ServerOption server;

    @Parameters(paramLabel = "JOB", description = "The job whose tasks to rerun (yours, or any if you are an admin).")
    String jobId;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Which which;

    static final class Which {
        @Option(names = "--failed", required = true, description = "Every task that FAILED or TIMED_OUT.")
        boolean failed;

        @Option(names = "--group", required = true, paramLabel = "ID", description = "One failure group, by its id.")
        String group;
    }

    @Option(names = "--wait", description = "Follow the new job to its end: progress and a summary.")
    boolean wait;

    @Option(names = "--json", description = "Print the new job (with --wait: its summary) as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        SchedulerClient client = server.client();
        long submittedAt = Main.CLOCK.millis();
        JobView job;
        try {
            job = client.rerun(jobId, which.failed ? null : which.group);
        } catch (SchedulerClient.ApiException e) {
            err.println("drover: " + e.getMessage());
            err.flush();
            return e.status == 400 ? Submission.BAD_INPUT : Submission.TASKS_NOT_OK;
        }
        String newId = job.jobId();
        if (!wait) {
            out.println(json ? Json.write(job) : newId);
            out.flush();
            return Submission.OK;
        }
        err.printf("job %s: %d tasks of job %s submitted again%n", newId, job.total(), jobId);
        err.flush();
        Map<String, Object> summary = new JobFollower(client, json ? new PrintWriter(PrintWriter.nullWriter()) : out, err,
                Main.CLOCK).follow(job, submittedAt, Optional.empty(), json);
        summary.put("rerunOf", jobId);
        if (json) {
            out.println(Json.write(summary));
        } else {
            JobFollower.printSummary(out, summary);
        }
        out.flush();
        return JobFollower.exitCode(summary);
    }
}
