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
import dev.drover.scheduler.model.Quotas;
import dev.drover.scheduler.model.SchedulerConfig;
import dev.drover.scheduler.model.Policy;
import dev.drover.scheduler.tls.Fingerprint;
import dev.drover.service.RemoteBackends;
import dev.drover.service.SchedulerService;
import dev.drover.service.ServiceOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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

    static final class Image {
        @Option(names = "--ami", paramLabel = "ID", description = "Launch EC2 workers from this AMI.")
        String ami;

        @Option(names = "--launch-template", paramLabel = "NAME", description = "Launch EC2 workers from this launch template.")
        String launchTemplate;
    }

    @ArgGroup(exclusive = true)
    Image image = new Image();

    @Option(names = "--instance-type", paramLabel = "TYPE", defaultValue = "c6i.large", description = "EC2 instance type (default ${DEFAULT-VALUE}).")
    String instanceType;

    @Option(names = "--instance-profile", paramLabel = "ARN", description = "Instance profile of the workers (with --ami).")
    String instanceProfile;

    @Option(names = "--subnets", paramLabel = "IDS", split = ",", description = "Subnets to launch in, in turn (default: $DROVER_SUBNET_IDS).")
    List<String> subnets;

    @Option(names = "--security-groups", paramLabel = "IDS", split = ",", description = "Security groups of the workers (with --ami).")
    List<String> securityGroups;

    @Option(names = "--spot", description = "Launch spot instances; workers hand their work back on an interruption notice.")
    boolean spot;

    @Mixin
    FleetOptions fleet;

    @Option(names = "--stack-outputs", paramLabel = "FILE", description = "Take names from a deployed stack's outputs (cdk deploy --outputs-file FILE).")
    Path stackOutputs;

    @Option(names = "--endpoint", paramLabel = "URL", description = "Send every AWS call here (an emulator or LocalStack).")
    URI endpoint;

    @Option(names = "--data", paramLabel = "DIR", description = "Where to spool workloads and results (default: a temporary directory).")
    Path data;

    @Option(names = "--admin-token-file", paramLabel = "FILE",
            description = "Where a first start writes the new admin's token, mode 0600 (default: ~/.drover/token).")
    Path adminTokenFile;

    @Option(names = "--max-queued-per-user", paramLabel = "N", defaultValue = "" + Quotas.DEFAULT_MAX_QUEUED_TASKS,
            description = "A user's tasks queued or running at once, the new job's included; more is refused with 429 (default ${DEFAULT-VALUE}).")
    long maxQueuedPerUser;

    @Option(names = "--max-running-per-user", paramLabel = "N", defaultValue = "" + Quotas.DEFAULT_MAX_RUNNING_TASKS,
            description = "A user's tasks on the queue or running at once; the rest waits at the scheduler (default ${DEFAULT-VALUE}).")
    long maxRunningPerUser;

    @Option(names = "--policy", paramLabel = "fair|fifo", defaultValue = "fair", converter = PolicyConverter.class,
            description = "Dispatch order across users: fair (each user with work gets a share of the fleet by weight; "
                    + "within a user, --priority then submission order) or fifo (global submission order). Default ${DEFAULT-VALUE}.")
    Policy policy;

    /** Picocli: "fair" or "fifo", any case. */
    static final class PolicyConverter implements picocli.CommandLine.ITypeConverter<Policy> {
        @Override
        public Policy convert(String value) {
            try {
                return Policy.parse(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    private Quotas quotas() {
        return new Quotas(maxQueuedPerUser, maxRunningPerUser);
    }

    @Mixin
    TlsOptions tls;

    private dev.drover.scheduler.tls.Transport transport;

    @Option(names = "--max-body", paramLabel = "BYTES", defaultValue = "268435456",
            description = "Largest workload a submission may carry (default ${DEFAULT-VALUE}); more is refused with 413.")
    long maxBody;

    @Option(names = "--cloudwatch-namespace", paramLabel = "NS",
            defaultValue = "${env:" + dev.drover.core.EnvironmentVariables.CLOUDWATCH_NAMESPACE + "}",
            description = "Also push the figures of GET /metrics to CloudWatch under this namespace, once a minute "
                    + "(default: $DROVER_CLOUDWATCH_NAMESPACE; unset: off).")
    String cloudWatchNamespace;

    @Option(names = "--retention", paramLabel = "D", defaultValue = "30d",
            description = "How long an ended job is kept: then its state, record (DynamoDB: TTL), spooled workload and result log "
                    + "are deleted; running and queued jobs never expire (default ${DEFAULT-VALUE}; 12h, 7d, ...).")
    String retention;

    private java.time.Duration retention() {
        java.time.Duration keep = dev.drover.core.workload.Durations.parse(retention);
        if (keep.isZero()) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--retention must be more than 0");
        }
        return keep;
    }

    @Option(names = "--files-unpacked-limit", paramLabel = "SIZE", defaultValue = "16GiB",
            description = "The most a files pack may hold unpacked for PUT /files to take it (bytes, or with KiB, MiB, GiB, K, M, G;"
                    + " default ${DEFAULT-VALUE}). Checking a pack reads it through once: near 16 GiB, about a minute per upload.")
    String filesUnpackedLimit;

    private long filesUnpackedLimit() {
        long bytes;
        try {
            bytes = FilesOptions.parseSize(filesUnpackedLimit);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "bad --files-unpacked-limit: " + e.getMessage());
        }
        if (bytes < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--files-unpacked-limit must be more than 0");
        }
        return bytes;
    }

    @Override
    public Integer call() throws Exception {
        java.time.Duration keep = retention();
        long unpacked = filesUnpackedLimit();
        // the certificate first: bad TLS options stop the start before anything runs or a first start uses up the bootstrap
        transport = tls.transport(bind, Main.CLOCK, spec.commandLine().getOut());
        Path dir = data != null ? data : Files.createTempDirectory("drover-scheduler-");
        UnaryOperator<SchedulerConfig> tuning = c -> c.withQuotas(quotas()).withRetention(keep).withPolicy(policy)
                .withFilesUnpackedLimit(unpacked);
        ReplicaTiming timing = replica ? replicaTiming() : null; // checked before anything starts
        if (replica && !mode.remote) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--replica needs -rw: replicas share the queues, tables and bucket of one stack; the in-JVM pool (-lw) is one process");
        }
        if (!mode.remote) {
            int workers = mode.localWorkers != null ? mode.localWorkers : Runtime.getRuntime().availableProcessors();
            Accounts accounts = new Accounts(new InMemoryUserStore(dir.resolve("users.json")), Main.CLOCK);
            ServiceOptions options = ServiceOptions.of(dir, Main.CLOCK, new ServiceOptions.InJvmPool(workers)).withTuning(tuning);
            return serve(options, accounts, workers + " in-JVM workers");
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
            if (replica) {
                ReplicaStore store = RemoteBackends.replicas(aws, names).orElseThrow(() -> new picocli.CommandLine.ParameterException(
                        spec.commandLine(), "--replica needs a jobs table (DROVER_JOBS_TABLE)"));
                options = options.withReplica(new ServiceOptions.Replica(store, ReplicaNode.newId(), timing));
            }
            Accounts accounts = new Accounts(names.jobsTable().isBlank() ? new InMemoryUserStore(dir.resolve("users.json"))
                    : new DynamoDbUserStore(aws.dynamoDb(), names.jobsTable()), Main.CLOCK);
            Optional<Ec2LaunchSpec> launch = launchSpec(names, settings.region(), env);
            if (launch.isEmpty()) {
                return serve(options, accounts, "remote workers started elsewhere, via " + names.requestQueueUrl());
            }
            return serve(options.withFleet(new ServiceOptions.Fleet(fleet.provisioner(),
                    new Ec2FleetLauncher(aws.ec2(), launch.get(), fleet.maxWorkers, Main.CLOCK))),
                    accounts, "an EC2 fleet of up to " + fleet.maxWorkers + " workers");
        }
    }

    @Option(names = "--replica",
            description = "Run as one replica of several on the same stack (-rw): jobs are owned by the replica that accepts"
                    + " them, and a replica's jobs pass to the others within its lease when it dies (see docs/architecture.md).")
    boolean replica;

    @Option(names = "--replica-lease", paramLabel = "D", defaultValue = "5s",
            description = "With --replica: how long a silent replica keeps its jobs; it beats every fifth of it and stops"
                    + " dispatching 30%% of it early (default ${DEFAULT-VALUE}; 10s deployed).")
    String replicaLease;

    private ReplicaTiming replicaTiming() {
        java.time.Duration lease = dev.drover.core.workload.Durations.parse(replicaLease);
        try {
            return new ReplicaTiming(lease.dividedBy(5), lease, lease.multipliedBy(3).dividedBy(10));
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--replica-lease " + replicaLease + ": " + e.getMessage());
        }
    }

    private Optional<Ec2LaunchSpec> launchSpec(DroverResources names, String region, Map<String, String> env) {
        String template = image.launchTemplate != null ? image.launchTemplate : env.get(EnvironmentVariables.LAUNCH_TEMPLATE);
        if (image.ami == null && template == null) {
            return Optional.empty();
        }
        Map<String, String> workerEnv = Ec2LaunchSpec.workerEnvironment(names, fleet.threads, fleet.idle(), region);
        Ec2LaunchSpec spec = image.ami != null
                ? Ec2LaunchSpec.forAmi(image.ami, instanceType, "drover", workerEnv)
                : Ec2LaunchSpec.forLaunchTemplate(template, "drover", workerEnv);
        if (instanceProfile != null) {
            spec = spec.withInstanceProfile(instanceProfile);
        }
        List<String> subnetIds = subnets != null ? subnets
                : Optional.ofNullable(env.get(EnvironmentVariables.SUBNET_IDS)).map(s -> Arrays.asList(s.split(","))).orElse(List.of());
        if (!subnetIds.isEmpty()) {
            spec = spec.withSubnets(subnetIds);
        }
        if (securityGroups != null) {
            spec = spec.withSecurityGroups(securityGroups);
        }
        return Optional.of(spot ? spec.withSpot(Optional.empty()) : spec);
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

    private int serve(ServiceOptions options, Accounts accounts, String what) throws Exception {
        tls.publish(transport, Main.environment(spec).variables());
        Optional<String> admin = accounts.bootstrap();
        try (SchedulerService running = SchedulerService.start(options.withHttp(new ServiceOptions.Http(bind, port,
                     HttpApi.Limits.defaults().withMaxBodyBytes(maxBody), transport, accounts)));
             CloudWatchExport cloudWatch = CloudWatchExport.start(running.scheduler(), cloudWatchNamespace, System.getenv(),
                     dev.drover.scheduler.metrics.MetricsPusher.DEFAULT_STEP)) {
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
