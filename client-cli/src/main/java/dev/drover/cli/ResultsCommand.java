package dev.drover.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "results", mixinStandardHelpOptions = true,
        description = "Print a job's results, one JSON line a task.")
final class ResultsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ServerOption server;

    @Parameters(paramLabel = "JOB")
    String jobId;

    @Option(names = {"-f", "--follow"}, description = "Keep printing until the job is done.")
    boolean follow;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        server.client().results(jobId, follow, out::println);
        out.flush();
        return 0;
    }
}
