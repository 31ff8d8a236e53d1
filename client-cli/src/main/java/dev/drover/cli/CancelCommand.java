package dev.drover.cli;

import dev.drover.core.model.TaskStatus;
import dev.drover.scheduler.model.JobView;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = "Cancel a job: queued tasks never start, running ones are killed.")
final class CancelCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ServerOption server;

    @Parameters(paramLabel = "JOB")
    String jobId;

    @Override
    public Integer call() throws Exception {
        JobView job = server.client().cancel(jobId);
        spec.commandLine().getOut().printf("job %s %s: %s cancelled%n", jobId, job.state(),
                JobSummary.count(job, TaskStatus.CANCELLED));
        return 0;
    }
}
