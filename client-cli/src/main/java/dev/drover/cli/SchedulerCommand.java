package dev.drover.cli;

import dev.drover.aws.AwsClients;
import dev.drover.aws.AwsSettings;
import dev.drover.aws.DroverResources;
import dev.drover.core.EnvironmentVariables;
import dev.drover.aws.Ec2FleetLauncher;
import dev.drover.aws.Ec2LaunchSpec;
import dev.drover.aws.StackOutputs;
import dev.drover.aws.DynamoDbUserStore;
import dev.drover.core.memory.InMemoryUserStore;
import dev.drover.core.port.ReplicaStore;
import dev.drover.scheduler.api.HttpApi;
import dev.drover.scheduler.replica.ReplicaNode;
import dev.drover.scheduler.replica.ReplicaTiming;
import dev.drover.scheduler.auth.Accounts;
import dev.drover.scheduler.model.SchedulerConfig;
import dev.drover.scheduler.tls.Fingerprint;
import dev.drover.scheduler.tls.Transport;
import dev.drover.scheduler.metrics.MetricsPusher;
import dev.drover.localaws.ProcessFleetLauncher;
import dev.drover.service.EmbeddedAws;
import dev.drover.service.RemoteBackends;
import dev.drover.service.SchedulerService;
import dev.drover.service.ServiceOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.UnaryOperator;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "scheduler", mixinStandardHelpOptions = true,
        description = "Run the scheduler service: the HTTP API, dispatch and result collection, "
        + "on an in-JVM pool (-lw N) or through SQS/DynamoDB to remote workers (-rw), launching EC2 workers by "
        + "backlog with --ami or --launch-template. Names come from DROVER_* variables or --stack-outputs.")
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

    @Mixin
    FleetOptions fleet;

    @Mixin
    Ec2Options ec2;

    @Mixin
    LimitOptions limits;

    @Mixin
    ReplicaOptions replicas;

    @Option(names = "--stack-outputs", paramLabel = "FILE", description = "Take names from a deployed stack's outputs (cdk deploy --outputs-file FILE).")
    Path stackOutputs;

    @Option(names = "--endpoint", paramLabel = "URL", description = "Send every AWS call here (an emulator or LocalStack).")
    URI endpoint;

    @Option(names = "--local-fleet", description = "With -rw: launch the fleet as `drover worker` processes on this machine"
            + " instead of EC2 instances (local AWS), sized by the backlog as EC2's is (--max-workers, --worker-threads,"
            + " --idle-timeout). Like instances, they outlive the scheduler that launched them and stop by their idle timeout;"
            + " with --replica the replica that leads the fleet next finds them by the stack's request queue on their command line.")
    boolean localFleet;

    @Option(names = "--data", paramLabel = "DIR", description = "Where to spool workloads and results (default: a temporary directory).")
    Path data;

    @Option(names = "--admin-token-file", paramLabel = "FILE",
            description = "Where a first start writes the new admin's token, mode 0600 (default: ~/.drover/token).")
    Path adminTokenFile;

    @Mixin
    TlsOptions tls;

    @Option(names = "--cloudwatch-namespace", paramLabel = "NS",
            defaultValue = "${env:" + EnvironmentVariables.CLOUDWATCH_NAMESPACE + "}",
            description = "Also push the figures of GET /metrics to CloudWatch under this namespace, once a minute "
                    + "(default: $DROVER_CLOUDWATCH_NAMESPACE; unset: off).")
    String cloudWatchNamespace;

    @Override
    public Integer call() throws Exception {
        Duration keep = limits.retention();
        long unpacked = limits.filesUnpackedLimit();
        // the certificate first: bad TLS options stop the start before anything runs or a first start uses up the bootstrap
        Transport transport = tls.transport(bind, Main.CLOCK, spec.commandLine().getOut());
        Path dir = data != null ? data : Files.createTempDirectory("drover-scheduler-");
        UnaryOperator<SchedulerConfig> tuning = c -> c.withQuotas(limits.quotas()).withRetention(keep).withPolicy(limits.policy)
                .withFilesUnpackedLimit(unpacked);
        ReplicaTiming timing = replicas.on ? replicas.timing() : null; // checked before anything starts
        if (replicas.on && !mode.remote) {
            throw new ParameterException(spec.commandLine(),
                    "--replica needs -rw: replicas share the queues, tables and bucket of one stack; the in-JVM pool (-lw) is one process");
        }
        if (localFleet && !mode.remote) {
            throw new ParameterException(spec.commandLine(), "--local-fleet needs -rw: its workers take tasks from the stack's request queue");
        }
        if (!mode.remote) {
            int workers = mode.localWorkers != null ? mode.localWorkers : Runtime.getRuntime().availableProcessors();
            Accounts accounts = new Accounts(new InMemoryUserStore(dir.resolve("users.json")), Main.CLOCK);
            ServiceOptions options = ServiceOptions.of(dir, Main.CLOCK, new ServiceOptions.InJvmPool(workers)).withTuning(tuning);
            return serve(transport, options, accounts, workers + " in-JVM workers");
        }
        Map<String, String> env = new HashMap<>(System.getenv());
        if (stackOutputs != null) {
            env.putAll(StackOutputs.read(stackOutputs, Optional.empty()).environment());
        }
        DroverResources names = DroverResources.fromEnvironment(env).orElseThrow(() -> new IllegalArgumentException(
                "remote mode needs the queue, table and bucket names: DROVER_* variables or --stack-outputs FILE"));
        AwsSettings settings = AwsSettings.fromEnvironment(env, Optional.ofNullable(endpoint));
        int fleetThreads = fleet.maxWorkers * fleet.threads;
        try (AwsClients aws = new AwsClients(settings)) {
            ServiceOptions options = ServiceOptions.of(dir, Main.CLOCK,
                    new ServiceOptions.Remote(RemoteBackends.create(aws, names), fleetThreads)).withTuning(tuning);
            if (replicas.on) {
                ReplicaStore store = RemoteBackends.replicas(aws, names).orElseThrow(() -> new ParameterException(
                        spec.commandLine(), "--replica needs a jobs table (DROVER_JOBS_TABLE)"));
                options = options.withReplica(new ServiceOptions.Replica(store, ReplicaNode.newId(), timing));
            }
            Accounts accounts = new Accounts(names.jobsTable().isBlank() ? new InMemoryUserStore(dir.resolve("users.json"))
                    : new DynamoDbUserStore(aws.dynamoDb(), names.jobsTable()), Main.CLOCK);
            Optional<Ec2LaunchSpec> launch = ec2.launchSpec(names, fleet, settings.region(), env);
            if (localFleet) {
                if (launch.isPresent()) {
                    throw new ParameterException(spec.commandLine(), "--local-fleet launches processes, --ami or --launch-template EC2 instances: choose one");
                }
                return serve(transport, options.withFleet(new ServiceOptions.Fleet(fleet.provisioner(), localFleet(names, env, dir))),
                        accounts, "a fleet of up to " + fleet.maxWorkers + " local worker processes");
            }
            if (launch.isEmpty()) {
                return serve(transport, options, accounts, "remote workers started elsewhere, via " + names.requestQueueUrl());
            }
            return serve(transport, options.withFleet(new ServiceOptions.Fleet(fleet.provisioner(),
                    new Ec2FleetLauncher(aws.ec2(), launch.get(), fleet.maxWorkers, Main.CLOCK))),
                    accounts, "an EC2 fleet of up to " + fleet.maxWorkers + " workers");
        }
    }

    /** {@code drover worker} processes of this JVM's Java and class path, shared by every replica of the stack. */
    private ProcessFleetLauncher localFleet(DroverResources names, Map<String, String> env, Path dir) {
        List<String> command = new ArrayList<>(EmbeddedAws.workerCommand(fleet.threads, fleet.idleTimeout));
        if (endpoint != null) {
            command.addAll(List.of("--endpoint", endpoint.toString()));
        }
        return ProcessFleetLauncher.shared(names.requestQueueUrl(), command, env, dir.resolve("workers"), Main.CLOCK);
    }

    /**
     * Where a first start puts the admin's token: {@code --admin-token-file} or SSM if given; else one
     * copy per address the scheduler answers to (see {@link ServiceCredentials}), and {@code
     * ~/.drover/token} when no earlier scheduler of this account has written it (never overwritten).
     */
    private String storeAdminToken(String token, List<ServiceCredentials> services) throws IOException {
        ClientEnvironment env = Main.environment(spec);
        if (adminTokenFile != null || tls.storesInSsm()) {
            return tls.storeAdminToken(token, adminTokenFile != null ? adminTokenFile : env.defaultTokenFile(), env.variables());
        }
        List<String> places = new ArrayList<>();
        for (ServiceCredentials service : services) {
            places.add(service.storeToken(token));
        }
        if (!Files.exists(env.defaultTokenFile())) {
            places.add(TokenFile.write(env.defaultTokenFile(), token));
        }
        return String.join(" and ", places);
    }

    private int serve(Transport transport, ServiceOptions options, Accounts accounts, String what) throws Exception {
        tls.publish(transport, Main.environment(spec).variables());
        Optional<String> admin = accounts.bootstrap();
        try (SchedulerService running = SchedulerService.start(options.withHttp(new ServiceOptions.Http(bind, port,
                     HttpApi.Limits.defaults().withMaxBodyBytes(limits.maxBody), transport, accounts)));
             CloudWatchExport cloudWatch = CloudWatchExport.start(running.scheduler(), cloudWatchNamespace, System.getenv(),
                     MetricsPusher.DEFAULT_STEP)) {
            HttpApi api = running.api();
            // after the start: only then is the port known (--port 0)
            List<ServiceCredentials> services = ServiceCredentials.served(Main.environment(spec), bind, api.port());
            for (ServiceCredentials service : services) {
                service.storeFingerprint(transport.fingerprint().map(Fingerprint::hex));
            }
            if (admin.isPresent()) {
                spec.commandLine().getOut().printf("first start: created the admin user '%s'; its token is in %s%n",
                        Accounts.ADMIN, storeAdminToken(admin.get(), services));
            }
            spec.commandLine().getOut().printf("drover scheduler listening on %s:%d with %s%n", bind, api.port(), what);
            accounts.list().stream().filter(u -> u.name().equals(Accounts.ADMIN)).findFirst().ifPresent(u ->
                    spec.commandLine().getOut().printf("dashboard: %s%n", api.dashboardUrl(bind, u)));
            spec.commandLine().getOut().flush();
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "drover-shutdown"));
            stop.await();
        }
        return 0;
    }
}
