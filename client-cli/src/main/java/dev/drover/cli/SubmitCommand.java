package dev.drover.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import java.util.List;

@Command(name = "submit", mixinStandardHelpOptions = true,
        description = "Submit a workload to a running scheduler; prints the job id, or follows it with --wait.")
final class SubmitCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ServerOption server;

    @Option(names = {"-w", "--workload"}, required = true, paramLabel = "FILE", description = "The workload file, one task a line.")
    Path workload;

    @Option(names = "--wait", description = "Follow the job to its end: progress, results and a summary.")
    boolean wait;

    @Option(names = "--budget", paramLabel = "USD",
            description = "Cancel the job's remaining tasks (reason \"budget\") once its spend, AWS requests and its share of EC2, reaches USD.")
    Double budget;

    @Option(names = "--dry-run", description = "Queue nothing: forecast the job's tasks, task-seconds, duration and dollars"
            + " from the task times measured so far (with --json FILE, or --json - for standard output, as JSON).")
    boolean dryRun;

    @Option(names = "--priority", paramLabel = "N", defaultValue = "0",
            description = "Under fair share, your jobs of higher priority are dispatched before your others (-1000 to 1000; default ${DEFAULT-VALUE}).")
    int priority;

    @Option(names = "--after", paramLabel = "JOB[,JOB…]", split = ",",
            description = "Send no task until these jobs have ended with every task succeeded; if one of them ends"
                    + " otherwise, this job is cancelled (reason \"dependency\").")
    List<String> after = List.of();

    @Mixin
    OutputOptions output;

    @Mixin
    FilesOptions files;

    @Override
    public Integer call() throws Exception {
        if (Math.abs(priority) > 1000) {
            spec.commandLine().getErr().println("drover: --priority: a whole number from -1000 to 1000");
            return Submission.BAD_INPUT;
        }
        LineTally tally = Submission.validate(workload, spec.commandLine().getErr());
        if (tally == null) {
            return Submission.BAD_INPUT;
        }
        if (budget != null && !(budget >= 0 && Double.isFinite(budget))) {
            spec.commandLine().getErr().println("drover: --budget: a number of US dollars, 0 or more");
            return Submission.BAD_INPUT;
        }
        if (dryRun) {
            return DryRun.print(server.client(), workload, output.json, spec.commandLine().getOut(), spec.commandLine().getErr());
        }
        var pack = files.prepare(spec.commandLine().getErr());
        if (pack == null) {
            return Submission.BAD_INPUT;
        }
        return Submission.run(server.client().withBudget(budget).withAfter(after), workload, tally, pack, priority, wait, output, spec.commandLine().getOut(),
                spec.commandLine().getErr(), Main.CLOCK, summary -> { });
    }
}
