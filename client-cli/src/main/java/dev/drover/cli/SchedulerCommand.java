package dev.drover.cli;

import dev.drover.scheduler.HttpApi;
import dev.drover.scheduler.InJvmFleet;
import dev.drover.scheduler.Scheduler;
import dev.drover.scheduler.SchedulerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "scheduler", description = "Run the scheduler service: the HTTP API, dispatch and result collection.")
final class SchedulerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-s", "--port"}, paramLabel = "PORT", defaultValue = "7070", description = "Port of the HTTP API (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--bind", paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "Address to listen on (default ${DEFAULT-VALUE}; 0.0.0.0 for every interface).")
    String bind;

    @Option(names = {"-lw", "--local-workers"}, paramLabel = "N", description = "Run tasks on an in-JVM pool of N workers.")
    Integer localWorkers;

    @Option(names = "--data", paramLabel = "DIR", description = "Where to spool workloads and results (default: a temporary directory).")
    Path data;

    @Override
    public Integer call() throws Exception {
        Path dir = data != null ? data : Files.createTempDirectory("drover-scheduler-");
        int workers = localWorkers != null ? localWorkers : Runtime.getRuntime().availableProcessors();
        try (InJvmFleet fleet = new InJvmFleet(workers, Main.CLOCK);
             Scheduler scheduler = new Scheduler(SchedulerConfig.defaults(dir, fleet.size()), fleet.backend(), Main.CLOCK).start();
             HttpApi api = new HttpApi(scheduler, bind, port, Map::of).start()) {
            spec.commandLine().getOut().printf("drover scheduler listening on %s:%d with %d in-JVM workers%n", bind, api.port(), workers);
            spec.commandLine().getOut().flush();
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "drover-shutdown"));
            stop.await();
        }
        return 0;
    }
}
