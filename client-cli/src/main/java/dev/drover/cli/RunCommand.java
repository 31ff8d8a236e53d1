package dev.drover.cli;

import dev.drover.scheduler.HttpApi;
import dev.drover.scheduler.InJvmFleet;
import dev.drover.scheduler.Scheduler;
import dev.drover.scheduler.SchedulerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "run", description = "Run a workload end to end and exit: starts a scheduler in this process, "
        + "submits over HTTP, prints results and a summary.")
final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "WORKLOAD", description = "The workload file, one task a line.")
    Path workload;

    @Option(names = "--local", paramLabel = "N", description = "Run on an in-JVM pool of N workers.")
    Integer local;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() throws Exception {
        if (!Submission.validate(workload, spec.commandLine().getErr())) {
            return Submission.BAD_INPUT;
        }
        int workers = local != null ? local : Runtime.getRuntime().availableProcessors();
        Path data = Files.createTempDirectory("drover-run-");
        try (InJvmFleet fleet = new InJvmFleet(workers, Main.CLOCK);
             Scheduler scheduler = new Scheduler(SchedulerConfig.defaults(data, fleet.size()), fleet.backend(), Main.CLOCK).start();
             HttpApi api = new HttpApi(scheduler, "127.0.0.1", 0, Map::of).start()) {
            return Submission.run(new SchedulerClient("127.0.0.1:" + api.port()), workload, true, output,
                    spec.commandLine().getOut(), spec.commandLine().getErr(), Main.CLOCK, summary -> { });
        } finally {
            Files.walk(data).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
