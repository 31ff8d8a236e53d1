package dev.drover.cli;

import dev.drover.aws.AwsClients;
import dev.drover.aws.AwsSettings;
import dev.drover.aws.DroverResources;
import dev.drover.scheduler.Backend;
import dev.drover.scheduler.HttpApi;
import dev.drover.scheduler.InJvmFleet;
import dev.drover.scheduler.Scheduler;
import dev.drover.scheduler.SchedulerConfig;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "scheduler", description = "Run the scheduler service: the HTTP API, dispatch and result collection, "
        + "on an in-JVM pool (-lw N) or through SQS/DynamoDB to remote workers (-rw; names from DROVER_* variables).")
final class SchedulerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-s", "--port"}, paramLabel = "PORT", defaultValue = "7070", description = "Port of the HTTP API (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--bind", paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "Address to listen on (default ${DEFAULT-VALUE}; 0.0.0.0 for every interface).")
    String bind;

    static final class Mode {
        @Option(names = {"-lw", "--local-workers"}, paramLabel = "N", description = "Run tasks on an in-JVM pool of N workers.")
        Integer localWorkers;

        @Option(names = {"-rw", "--remote-workers"}, description = "Dispatch to remote workers through the request queue.")
        boolean remote;
    }

    @ArgGroup(exclusive = true)
    Mode mode = new Mode();

    @Option(names = "--fleet-threads", paramLabel = "N", defaultValue = "16",
            description = "Remote mode: task threads the fleet has, to cut bundles so each gets work (default ${DEFAULT-VALUE}).")
    int fleetThreads;

    @Option(names = "--endpoint", paramLabel = "URL", description = "Send every AWS call here (an emulator or LocalStack).")
    URI endpoint;

    @Option(names = "--data", paramLabel = "DIR", description = "Where to spool workloads and results (default: a temporary directory).")
    Path data;

    @Override
    public Integer call() throws Exception {
        Path dir = data != null ? data : Files.createTempDirectory("drover-scheduler-");
        if (mode.remote) {
            DroverResources names = DroverResources.fromEnvironment(System.getenv()).orElseThrow(() ->
                    new IllegalArgumentException("remote mode needs DROVER_* variables (see `drover local-aws` or the stack outputs)"));
            try (AwsClients aws = new AwsClients(AwsSettings.fromEnvironment(System.getenv(), Optional.ofNullable(endpoint)))) {
                return serve(RemoteBackends.create(aws, names), fleetThreads, dir, "remote workers via " + names.requestQueueUrl());
            }
        }
        int workers = mode.localWorkers != null ? mode.localWorkers : Runtime.getRuntime().availableProcessors();
        try (InJvmFleet fleet = new InJvmFleet(workers, Main.CLOCK)) {
            return serve(fleet.backend(), workers, dir, workers + " in-JVM workers");
        }
    }

    private int serve(Backend backend, int threads, Path dir, String what) throws Exception {
        try (Scheduler scheduler = new Scheduler(SchedulerConfig.defaults(dir, threads), backend, Main.CLOCK).start();
             HttpApi api = new HttpApi(scheduler, bind, port, Map::of).start()) {
            spec.commandLine().getOut().printf("drover scheduler listening on %s:%d with %s%n", bind, api.port(), what);
            spec.commandLine().getOut().flush();
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "drover-shutdown"));
            stop.await();
        }
        return 0;
    }
}
