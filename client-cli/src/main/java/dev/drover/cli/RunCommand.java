package dev.drover.cli;

import dev.drover.service.EmbeddedAws;
import dev.drover.core.files.FilesPack;
import dev.drover.scheduler.api.HttpApi;
import dev.drover.scheduler.auth.Accounts;
import dev.drover.localaws.ProcessFleetLauncher;
import dev.drover.scheduler.fleet.Provisioner;
import dev.drover.service.SchedulerService;
import dev.drover.service.ServiceOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a workload end to end and exit. By default it starts AWS emulators on loopback "
        + "(SQS, DynamoDB, S3), a scheduler and worker processes; --local N runs on an in-JVM pool instead.")
final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "WORKLOAD", description = "The workload file, one task a line.")
    Path workload;

    @Option(names = "--local", paramLabel = "N", description = "Run on an in-JVM pool of N workers (no emulators, no processes).")
    Integer local;

    @Option(names = "--workers", paramLabel = "N",
            description = "A fixed fleet of N worker processes, all started at once (default: elastic, see --max-workers).")
    Integer workers;

    @Mixin
    FleetOptions fleet;

    @Option(names = "--replicas", paramLabel = "N",
            description = "Run N scheduler replicas (child processes, as `drover scheduler -rw --replica`) on the local AWS"
                    + " instead of one scheduler in this process, and submit and follow through all their addresses: the"
                    + " job goes on if one of them dies. The fleet is then fixed: --workers N (default: --max-workers) worker"
                    + " processes started at once; every child stops with this command.")
    Integer replicas;

    @Option(names = "--budget", paramLabel = "USD",
            description = "Cancel the job's remaining tasks (reason \"budget\") once its spend, AWS requests and its share of EC2, reaches USD.")
    Double budget;

    @Mixin
    OutputOptions output;

    /**
     * This run's own users: one admin with a fresh token, in memory only, so no other local user can submit
     * to it; made when the run starts (picocli builds every command at start-up).
     */
    private Accounts.Local access;

    @Mixin
    FilesOptions files;

    private Optional<FilesPack.Pack> pack = Optional.empty();
    /** The workload's line tally, from its check. */
    private LineTally tally;

    @Override
    public Integer call() throws Exception {
        tally = Submission.validate(workload, spec.commandLine().getErr());
        if (tally == null) {
            return Submission.BAD_INPUT;
        }
        if (budget != null && !(budget >= 0 && Double.isFinite(budget))) {
            spec.commandLine().getErr().println("drover: --budget: a number of US dollars, 0 or more");
            return Submission.BAD_INPUT;
        }
        if (replicas != null && (replicas < 1 || local != null)) {
            spec.commandLine().getErr().println(replicas < 1 ? "drover: --replicas: a number of schedulers, 1 or more"
                    : "drover: --replicas runs on local AWS; the in-JVM pool (--local) is one process");
            return Submission.BAD_INPUT;
        }
        pack = files.prepare(spec.commandLine().getErr());
        if (pack == null) {
            return Submission.BAD_INPUT;
        }
        access = Accounts.local(Main.CLOCK);
        Path data = Files.createTempDirectory("drover-run-");
        // SIGINT, SIGTERM and SIGHUP end the JVM without running the finally below: a hook deletes the folder then
        Thread cleanup = new Thread(() -> deleteTree(data), "drover-run-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            return local != null ? inJvm(data) : replicas != null ? onReplicas(data) : onLocalAws(data);
        } finally {
            deleteTree(data);
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs, or ran, anyway
            }
        }
    }

    private int inJvm(Path data) throws Exception {
        try (SchedulerService service = SchedulerService.start(ServiceOptions.of(data.resolve("scheduler"), Main.CLOCK,
                new ServiceOptions.InJvmPool(local)).withHttp(ServiceOptions.Http.loopback(access.accounts())))) {
            return submit(service.api(), summary -> { });
        }
    }

    private int onLocalAws(Path data) throws Exception {
        spec.commandLine().getErr().println("starting local AWS (SQS, DynamoDB and S3 emulators on loopback)...");
        spec.commandLine().getErr().flush();
        int maxWorkers = workers != null ? workers : fleet.maxWorkers;
        try (EmbeddedAws stack = new EmbeddedAws(Optional.empty())) {
            ProcessFleetLauncher launcher = new ProcessFleetLauncher(
                    EmbeddedAws.workerCommand(fleet.threads, fleet.idleTimeout, workers != null),
                    stack.emulators.endpoints().workerEnvironment(), data.resolve("workers"), Main.CLOCK);
            ServiceOptions options = ServiceOptions.of(data.resolve("scheduler"), Main.CLOCK,
                            new ServiceOptions.Remote(stack.backend, maxWorkers * fleet.threads))
                    .withFleet(new ServiceOptions.Fleet(workers != null ? fleet.provisioner().fixed(workers) : fleet.provisioner(),
                            launcher))
                    .withHttp(ServiceOptions.Http.loopback(access.accounts()));
            try (SchedulerService service = SchedulerService.start(options)) {
                Provisioner provisioner = service.provisioner().orElseThrow();
                return submit(service.api(), summary -> {
                    // the run ends when the fleet has stopped itself: idle timeout, then drain
                    try {
                        if (!launcher.awaitAllExited(fleet.idle().toMillis() + 5_000)) {
                            spec.commandLine().getErr().println("drover: workers still busy after the idle timeout; stopping them");
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    provisioner.close();
                    Map<String, Object> status = provisioner.status();
                    for (String key : List.of("workersLaunched", "peakWorkers", "launchDelaysMs", "workerSeconds", "costUsd")) {
                        summary.put(key, status.get(key));
                    }
                });
            }
        }
    }

    /** N replica processes on one local stack, a fixed fleet, and the job submitted and followed through every address. */
    private int onReplicas(Path data) throws Exception {
        spec.commandLine().getErr().printf("starting local AWS and %d scheduler replicas...%n", replicas);
        spec.commandLine().getErr().flush();
        int size = workers != null ? workers : fleet.maxWorkers;
        try (EmbeddedAws stack = new EmbeddedAws(Optional.empty());
             ReplicaProcesses schedulers = new ReplicaProcesses(replicas, stack.emulators.endpoints().workerEnvironment(),
                     data.resolve("replicas"));
             ProcessFleetLauncher launcher = new ProcessFleetLauncher(EmbeddedAws.workerCommand(fleet.threads, fleet.idleTimeout, true),
                     stack.emulators.endpoints().workerEnvironment(), data.resolve("workers"), Main.CLOCK)) {
            String addresses = String.join(",", schedulers.addresses());
            spec.commandLine().getErr().printf("replicas: %s (follow or query any: -s %s)%n", addresses, addresses);
            spec.commandLine().getErr().flush();
            launcher.launch(size);
            return Submission.run(new SchedulerClient(addresses, schedulers.token()).withBudget(budget), workload, tally, pack, 0, true, output,
                    spec.commandLine().getOut(), spec.commandLine().getErr(), Main.CLOCK, summary -> summary.put("replicas", replicas));
        }
    }

    private int submit(HttpApi api, Consumer<Map<String, Object>> enrich) throws Exception {
        // stderr, like the other progress lines: stdout carries the results
        access.accounts().list().stream().filter(u -> u.name().equals(Accounts.ADMIN)).findFirst().ifPresent(u -> {
            spec.commandLine().getErr().printf("dashboard: %s%n", api.dashboardUrl("127.0.0.1", u));
            spec.commandLine().getErr().flush();
        });
        return Submission.run(new SchedulerClient("127.0.0.1:" + api.port(), access.adminToken()).withBudget(budget), workload, tally, pack, 0, true, output,
                spec.commandLine().getOut(), spec.commandLine().getErr(), Main.CLOCK, enrich);
    }

    /** Deletes what it can of {@code dir}; gone already (the hook was first) is fine. */
    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a file deleted under the walk (the other of hook and finally): what is left stays
        }
    }
}
