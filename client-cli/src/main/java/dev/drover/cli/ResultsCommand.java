package dev.drover.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import java.nio.file.Path;

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

    @Option(names = "--download", paramLabel = "DIR",
            description = "Write every task's output files to DIR/<seq>/ (SHA-256 checked; files already there and intact are skipped, so it resumes).")
    Path download;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (download != null) {
            if (follow) {
                server.client().results(jobId, true, line -> { }); // wait for the job's end
            }
            Downloader.Totals t = new Downloader(server.client(), download).download(jobId, spec.commandLine().getErr());
            return t.failures().isEmpty() ? 0 : 1;
        }
        SchedulerClient client = server.client();
        if (follow) {
            // each task's result once, even if the replica serving the stream dies and another takes over
            client.followResults(jobId, client.job(jobId).total(), r -> out.println(r.json()),
                    JobFollower.FOLLOW_PATIENCE);
        } else {
            client.results(jobId, false, out::println);
        }
        out.flush();
        return 0;
    }
}
