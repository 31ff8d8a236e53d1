package dev.drover.localaws;

import dev.drover.aws.AwsClients;
import dev.drover.aws.AwsSettings;
import dev.drover.aws.S3PayloadStore;
import dev.drover.core.retention.StoreRetention;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.BucketAlreadyExistsException;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * AWS on loopback for a laptop with no AWS account and no Docker: ElasticMQ (SQS) and s3proxy (S3),
 * each a child JVM, and dynoxide (DynamoDB), a native child process, all on 127.0.0.1, plus
 * Drover's queues, tables and bucket.
 *
 * <p>Children die with this process, even on kill -9 (see {@link ParentWatch}), and are stopped
 * by {@link #close()} or, failing that, a shutdown hook. With a data directory, queues, messages,
 * tables and objects survive a restart; without one, everything lives in memory.
 */
public final class LocalAws implements AutoCloseable {
    public static final String REGION = AwsSettings.DEFAULT_REGION;
    /** Each emulator must answer within this long (they start in parallel, in a few seconds). */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /** Starts on fresh ports before a taken port fails the start: each needs a race lost to happen. */
    static final int START_ATTEMPTS = 3;
    private static final Logger log = LoggerFactory.getLogger(LocalAws.class);
    /** ElasticMQ logs this once queues and messages are restored; its port opens before that. */
    private static final String ELASTICMQ_STARTED = "=== ElasticMQ server";
    /** The account ElasticMQ puts in queue URLs and ARNs. */
    private static final String ACCOUNT_ID = "000000000000";
    /**
     * Modest emulator JVMs for a laptop: one GC thread, a heap cap well above what a large local
     * run keeps in memory (heap is committed only as it is used), and the C1 compiler only. The
     * emulators share the laptop's cores with Drover, and C2 compiling their HTTP stacks cost more
     * processor time than it saved: on 2 cores, a 16-thread run of 10 ms tasks reached 52-76 %
     * efficiency with C2 emulators and 65-77 % with C1 ones (three runs each; with C1 local workers
     * too, 76-89 %; see docs/performance.md).
     */
    private static final List<String> EMULATOR_JVM_ARGS = List.of("-Xmx1g", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    private final List<EmulatorProcess> processes;
    private final LocalAwsEndpoints endpoints;
    private final Optional<Path> temporaryDir;
    private final Thread shutdownHook;
    /** The deployed bucket's lifecycle rule, for s3proxy's bucket, with the S3 client it sweeps with. */
    private final AwsClients retentionClients;
    private final StoreRetention retention;
    private boolean closed;

    private LocalAws(List<EmulatorProcess> processes, LocalAwsEndpoints endpoints, Optional<Path> temporaryDir,
                     Thread shutdownHook) {
        this.processes = processes;
        this.endpoints = endpoints;
        this.temporaryDir = temporaryDir;
        this.shutdownHook = shutdownHook;
        this.retentionClients = new AwsClients(AwsSettings.forEmulators(REGION, endpoints.sqs(), endpoints.dynamoDb(),
                endpoints.s3()));
        this.retention = new StoreRetention(new S3PayloadStore(retentionClients.s3(), endpoints.bucket()),
                StoreRetention.DEFAULT_RETENTION, Clock.systemUTC()).start(StoreRetention.DEFAULT_SWEEP_EVERY);
    }

    /** What expires a job's objects in the emulated bucket, as the deployed bucket's lifecycle rules do. */
    public StoreRetention retention() {
        return retention;
    }

    /**
     * Starts the three emulators in parallel, waits until each answers, and creates the queues
     * (with a redrive policy on the request queue), tables and bucket if they do not exist yet.
     *
     * @throws IllegalStateException if the emulators are missing or one fails to start in time
     *         (the message has the tail of its log)
     */
    public static LocalAws start(LocalAwsOptions options) {
        return start(options, EmulatorProcess::freePort);
    }

    /** The same, on ports from {@code ports}; a start whose port was taken meanwhile is made again on new ones. */
    static LocalAws start(LocalAwsOptions options, IntSupplier ports) {
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnce(options, ports);
            } catch (PortTakenException e) {
                if (attempt == START_ATTEMPTS) {
                    throw e;
                }
                log.info("{}: starting the emulators again on new ports", e.getMessage().lines().findFirst().orElse(""));
            }
        }
    }

    private static LocalAws startOnce(LocalAwsOptions options, IntSupplier ports) {
        Path emulators = options.emulatorsDir().toAbsolutePath();
        for (Path needed : List.of(emulators.resolve("elasticmq"), emulators.resolve("s3proxy"),
                dynoxideExecutable(emulators))) {
            if (!Files.exists(needed)) {
                throw new IllegalStateException(needed + " is missing: build the emulators with"
                        + " `mvn -pl local-aws -am package -DskipTests` (dynoxide needs Node.js and npm, and Linux"
                        + " x86-64), or point -Ddrover.emulators at an existing folder");
            }
        }
        options.dataDir().flatMap(DynamoDbLocalLeftovers::notice).ifPresent(log::warn);
        Optional<Path> temporaryDir = options.dataDir().isPresent()
                ? Optional.empty() : Optional.of(createTempDir());
        Path workDir = options.dataDir().or(() -> temporaryDir).orElseThrow().toAbsolutePath();
        Path logDir = createDirectories(workDir.resolve("logs"));
        Path launcherDir = createDirectories(workDir.resolve("launcher"));
        EmulatorProcess.installLauncher(launcherDir);

        List<EmulatorProcess> processes = new ArrayList<>();
        Thread hook = new Thread(() -> stopAndCleanUp(processes, temporaryDir), "drover-local-aws-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            EmulatorProcess sqs = startElasticMq(emulators, options.dataDir(), workDir, launcherDir, logDir, ports.getAsInt());
            processes.add(sqs);
            EmulatorProcess dynamoDb = startDynoxide(emulators, options.dataDir(), logDir, ports.getAsInt());
            processes.add(dynamoDb);
            EmulatorProcess s3 = startS3Proxy(emulators, options.dataDir(), workDir, launcherDir, logDir, ports.getAsInt());
            processes.add(s3);

            Instant deadline = Instant.now().plus(START_TIMEOUT);
            sqs.awaitReady(deadline, p -> p.logContains(ELASTICMQ_STARTED) && p.acceptsConnections());
            dynamoDb.awaitReady(deadline, EmulatorProcess::acceptsConnections);
            s3.awaitReady(deadline, EmulatorProcess::acceptsConnections);

            LocalAwsEndpoints endpoints = createResources(options, endpointOf(sqs.port()),
                    endpointOf(dynamoDb.port()), endpointOf(s3.port()));
            return new LocalAws(List.copyOf(processes), endpoints, temporaryDir, hook);
        } catch (RuntimeException e) {
            removeShutdownHook(hook);
            stopAndCleanUp(processes, temporaryDir);
            throw e;
        }
    }

    /**
     * The emulators folder built by this module: system property {@code drover.emulators} if set,
     * else {@code local-aws/target/emulators} under system property {@code drover.home} (set by
     * the launcher script to the repository root), else under the current directory.
     */
    public static Path defaultEmulatorsDir() {
        String explicit = System.getProperty("drover.emulators");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        Path relative = Path.of("local-aws", "target", "emulators");
        String home = System.getProperty("drover.home");
        return home != null && !home.isBlank() ? Path.of(home).resolve(relative) : relative.toAbsolutePath();
    }

    public LocalAwsEndpoints endpoints() {
        return endpoints;
    }

    /** Stops the emulators (deleting their state unless a data directory was given). Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        retention.close();
        retentionClients.close();
        removeShutdownHook(shutdownHook);
        stopAndCleanUp(processes, temporaryDir);
    }

    /** The executable that {@code npm ci} in the emulators folder installs (see local-aws/pom.xml). */
    static Path dynoxideExecutable(Path emulators) {
        return emulators.resolve(Path.of("dynoxide", "node_modules", "@dynoxide", "linux-x64", "dynoxide"));
    }

    private static void stopAndCleanUp(List<EmulatorProcess> processes, Optional<Path> temporaryDir) {
        EmulatorProcess.stopAll(processes);
        temporaryDir.ifPresent(LocalAws::deleteRecursively);
    }

    private static void removeShutdownHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook is running or has run, nothing to remove.
        }
    }

    private static EmulatorProcess startElasticMq(Path emulators, Optional<Path> dataDir, Path workDir,
                                                  Path launcherDir, Path logDir, int port) {
        // Extends the application.conf that ElasticMQ ships (Pekko settings) instead of replacing it.
        StringBuilder conf = new StringBuilder()
                .append("include classpath(\"application.conf\")\n")
                .append("node-address { protocol = http, host = \"").append(EmulatorProcess.LOOPBACK)
                .append("\", port = ").append(port).append(", context-path = \"\" }\n")
                .append("rest-sqs { enabled = true, bind-hostname = \"").append(EmulatorProcess.LOOPBACK)
                .append("\", bind-port = ").append(port).append(", sqs-limits = strict }\n")
                .append("generate-node-address = false\n")
                .append("aws { region = \"").append(REGION).append("\", accountId = \"").append(ACCOUNT_ID)
                .append("\" }\n");
        // The SQL store keeps queues (with their attributes) and messages in an H2 file; WRITE_DELAY=0
        // writes each commit through, so an acknowledged send survives even a kill -9 of the emulator.
        dataDir.ifPresent(dir -> conf.append("messages-storage { enabled = true, uri = ")
                .append(quote("jdbc:h2:" + createDirectories(dir.resolve("sqs")).resolve("elasticmq") + ";WRITE_DELAY=0"))
                .append(" }\n"));
        Path confFile = write(workDir.resolve("elasticmq.conf"), conf.toString());
        List<String> jvmArgs = new ArrayList<>(EMULATOR_JVM_ARGS);
        jvmArgs.add("-Dconfig.file=" + confFile);
        return EmulatorProcess.start("elasticmq", port, jarsIn(emulators, "elasticmq"), jvmArgs,
                "org.elasticmq.server.Main", List.of(), launcherDir, logDir);
    }

    /** dynoxide keeps one database whatever the credentials or region; in memory without a data directory. */
    private static EmulatorProcess startDynoxide(Path emulators, Optional<Path> dataDir, Path logDir, int port) {
        List<String> args = new ArrayList<>(List.of("--host", EmulatorProcess.LOOPBACK, "--port", String.valueOf(port)));
        dataDir.ifPresent(dir -> args.addAll(List.of("--db-path", DynamoDbLocalLeftovers.database(dir).toString())));
        return EmulatorProcess.startNative("dynamodb", port, dynoxideExecutable(emulators), args, logDir);
    }

    private static EmulatorProcess startS3Proxy(Path emulators, Optional<Path> dataDir, Path workDir,
                                                Path launcherDir, Path logDir, int port) {
        StringBuilder properties = new StringBuilder()
                .append("s3proxy.endpoint=").append(endpointOf(port)).append('\n')
                .append("s3proxy.authorization=none\n")
                // Required by s3proxy even without authorization.
                .append("jclouds.identity=local\n")
                .append("jclouds.credential=local\n");
        if (dataDir.isPresent()) {
            Path objects = createDirectories(dataDir.get().resolve("s3"));
            properties.append("jclouds.provider=filesystem\n")
                    .append("jclouds.filesystem.basedir=").append(objects.toString().replace("\\", "\\\\"))
                    .append('\n');
        } else {
            properties.append("jclouds.provider=transient\n");
        }
        Path propertiesFile = write(workDir.resolve("s3proxy.properties"), properties.toString());
        return EmulatorProcess.start("s3proxy", port, jarsIn(emulators, "s3proxy"), EMULATOR_JVM_ARGS,
                "org.gaul.s3proxy.Main", List.of("--properties", propertiesFile.toString()), launcherDir, logDir);
    }

    /**
     * Creates what is missing and leaves what exists (a restart with a data directory). Public so
     * that the same resources can be made on another emulator, such as LocalStack.
     */
    public static LocalAwsEndpoints createResources(LocalAwsOptions options, URI sqsEndpoint,
                                                     URI dynamoDbEndpoint, URI s3Endpoint) {
        AwsSettings settings = AwsSettings.forEmulators(REGION, sqsEndpoint, dynamoDbEndpoint, s3Endpoint);
        try (AwsClients clients = new AwsClients(settings)) {
            SqsClient sqs = clients.sqs();
            String deadLetterUrl = createQueue(sqs, options.deadLetterQueue());
            String deadLetterArn = sqs.getQueueAttributes(r -> r.queueUrl(deadLetterUrl)
                            .attributeNames(QueueAttributeName.QUEUE_ARN))
                    .attributes().get(QueueAttributeName.QUEUE_ARN);
            String requestUrl = createQueue(sqs, options.requestQueue());
            // Set (not passed to CreateQueue) so that a restart with another maxReceiveCount updates it.
            String redrivePolicy = "{\"deadLetterTargetArn\":\"" + deadLetterArn + "\",\"maxReceiveCount\":\""
                    + options.maxReceiveCount() + "\"}";
            sqs.setQueueAttributes(r -> r.queueUrl(requestUrl)
                    .attributes(Map.of(QueueAttributeName.REDRIVE_POLICY, redrivePolicy)));
            String responseUrl = createQueue(sqs, options.responseQueue());

            LocalTables.create(clients.dynamoDb(), options.claimsTable(), options.jobsTable());

            try {
                clients.s3().createBucket(r -> r.bucket(options.bucket()));
            } catch (BucketAlreadyOwnedByYouException | BucketAlreadyExistsException e) {
                // Kept from an earlier run.
            }
            return new LocalAwsEndpoints(sqsEndpoint, dynamoDbEndpoint, s3Endpoint, REGION,
                    requestUrl, responseUrl, deadLetterUrl,
                    options.claimsTable(), options.jobsTable(), options.bucket());
        }
    }

    /** CreateQueue returns the existing queue's URL when the name exists with the same attributes (none). */
    private static String createQueue(SqsClient sqs, String name) {
        return sqs.createQueue(r -> r.queueName(name)).queueUrl();
    }

    private static List<String> jarsIn(Path emulators, String folder) {
        return List.of(EmulatorProcess.jarsIn(emulators.resolve(folder)));
    }

    private static URI endpointOf(int port) {
        return URI.create("http://" + EmulatorProcess.LOOPBACK + ":" + port);
    }

    /** A HOCON string literal. */
    private static String quote(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static Path write(Path file, String content) {
        try {
            return Files.writeString(file, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path createDirectories(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path createTempDir() {
        try {
            return Files.createTempDirectory("drover-local-aws-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Best effort: a leftover temp dir is harmless.
        }
    }
}
