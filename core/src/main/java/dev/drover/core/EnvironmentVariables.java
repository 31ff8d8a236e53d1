package dev.drover.core;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The one place where the name of every environment variable a Drover process reads, or sets for
 * another, is written: the {@code DROVER_*} names and the standard {@code AWS_*} ones Drover uses.
 * Readers and writers (the worker and scheduler commands, {@code DroverResources}, local AWS, the
 * EC2 launcher, and the CDK app through its tests) refer to these constants, so a renamed variable
 * cannot leave one side behind.
 */
public final class EnvironmentVariables {
    private EnvironmentVariables() {}

    // ---- the names of Drover's cloud resources: the contract between the stack, the scheduler and the workers ----
    public static final String REQUEST_QUEUE_URL = "DROVER_REQUEST_QUEUE_URL";
    public static final String RESPONSE_QUEUE_URL = "DROVER_RESPONSE_QUEUE_URL";
    public static final String DEAD_LETTER_QUEUE_URL = "DROVER_DEAD_LETTER_QUEUE_URL";
    public static final String CLAIMS_TABLE = "DROVER_CLAIMS_TABLE";
    public static final String JOBS_TABLE = "DROVER_JOBS_TABLE";
    public static final String BUCKET = "DROVER_BUCKET";

    // ---- a remote worker's settings (drover worker) ----
    public static final String WORKER_THREADS = "DROVER_WORKER_THREADS";
    public static final String IDLE_TIMEOUT = "DROVER_IDLE_TIMEOUT";
    public static final String LEASE = "DROVER_LEASE";
    public static final String RESULT_LINGER = "DROVER_RESULT_LINGER";
    /** "1": the worker runs on EC2, launched by the scheduler: named after its instance, powers off when idle. */
    public static final String SHUTDOWN_ON_IDLE = "DROVER_SHUTDOWN_ON_IDLE";
    /** "1": the worker exits when its parent (the process fleet's scheduler) dies. */
    public static final String PARENT_WATCH = "DROVER_PARENT_WATCH";
    /**
     * "1": watch for spot interruption notices off EC2 too (a local IMDS stand-in, {@code drover chaos}),
     * without powering off on idle, which on a laptop would shut the laptop down.
     */
    public static final String SPOT_WATCH = "DROVER_SPOT_WATCH";
    /** {@code --task-user}: run shell tasks as this unprivileged user. */
    public static final String TASK_USER = "DROVER_TASK_USER";
    /** Where the instance metadata service is (tests point it at loopback). */
    public static final String IMDS_ENDPOINT = "DROVER_IMDS_ENDPOINT";

    // ---- the scheduler's settings (drover scheduler -rw) ----
    public static final String LAUNCH_TEMPLATE = "DROVER_LAUNCH_TEMPLATE";
    public static final String SUBNET_IDS = "DROVER_SUBNET_IDS";
    /** Written by the CDK app on the scheduler host; no Drover command reads it yet (--max-workers does not). */
    public static final String MAX_WORKERS = "DROVER_MAX_WORKERS";

    // ---- the client commands' ----
    public static final String SCHEDULER = "DROVER_SCHEDULER";
    /** The SHA-256 of the scheduler's certificate: the client talks HTTPS and trusts only that one. */
    public static final String TLS_FINGERPRINT = "DROVER_TLS_FINGERPRINT";

    // ---- the scheduler host's unit (drover-scheduler.service) passes these as options ----
    /** {@code --admin-token-ssm}: the SSM SecureString parameter a first start writes the admin's token to. */
    public static final String ADMIN_TOKEN_PARAMETER = "DROVER_ADMIN_TOKEN_PARAMETER";
    /** {@code --fingerprint-ssm}: the SSM String parameter that gets the certificate's fingerprint. */
    public static final String TLS_FINGERPRINT_PARAMETER = "DROVER_TLS_FINGERPRINT_PARAMETER";
    /**
     * The SSM SecureString parameter that holds the replicas' one TLS key and certificate (PEM): the
     * unit's scheduler-tls.sh reads it, or makes it at the first replica's start, for {@code --tls-cert}/{@code --tls-key}.
     */
    public static final String TLS_PARAMETER = "DROVER_TLS_PARAMETER";
    /** The DNS name a certificate made by scheduler-tls.sh carries: the load balancer's, which clients connect to. */
    public static final String TLS_DNS_NAME = "DROVER_TLS_DNS_NAME";
    /** {@code --bind}: the instance's private address, where the load balancer and the other replicas reach it (and it registers). */
    public static final String PRIVATE_ADDRESS = "DROVER_PRIVATE_ADDRESS";
    /** {@code --replica-lease}: the deployed replicas' lease. */
    public static final String REPLICA_LEASE = "DROVER_REPLICA_LEASE";

    // ---- set for every shell task (see TaskEnvironment: a task sees these, a small base and its @env, nothing else) ----
    public static final String JOB_ID = "DROVER_JOB_ID";
    public static final String TASK_ID = "DROVER_TASK_ID";
    public static final String ATTEMPT = "DROVER_ATTEMPT";
    /** Which replica of its line the task is ({@code @replicas N}): 0 … N-1. */
    public static final String REPLICA = "DROVER_REPLICA";
    /** The task's own empty directory: every file left there is uploaded when the task ends. */
    public static final String OUTPUT_DIR = "DROVER_OUTPUT_DIR";
    /** Where a task that waits on others finds their outputs: {@code NAME/REPLICA/}, read-only (set only for such a task). */
    public static final String INPUT_DIR = "DROVER_INPUT_DIR";
    /** The variables that describe a task, set for it by the executor. */
    public static final List<String> TASK = List.of(JOB_ID, TASK_ID, ATTEMPT, REPLICA, OUTPUT_DIR, INPUT_DIR);

    // ---- a worker's task workspace ----
    /** Where a worker caches job files packs (default: under the system temp directory). */
    public static final String FILES_CACHE = "DROVER_FILES_CACHE";
    /** How many bytes of unpacked files the cache keeps before it evicts the least recently used. */
    public static final String FILES_CACHE_LIMIT = "DROVER_FILES_CACHE_LIMIT";
    /** How many bytes of upstream tasks' outputs ({@code $DROVER_INPUT_DIR}) a worker keeps beyond what running tasks use. */
    public static final String INPUTS_CACHE_LIMIT = "DROVER_INPUTS_CACHE_LIMIT";

    // ---- the AWS SDK's own (read by AwsSettings) ----
    public static final String AWS_REGION = "AWS_REGION";
    public static final String AWS_DEFAULT_REGION = "AWS_DEFAULT_REGION";
    public static final String AWS_ACCESS_KEY_ID = "AWS_ACCESS_KEY_ID";
    public static final String AWS_SECRET_ACCESS_KEY = "AWS_SECRET_ACCESS_KEY";
    public static final String AWS_PROFILE = "AWS_PROFILE";
    public static final String AWS_WEB_IDENTITY_TOKEN_FILE = "AWS_WEB_IDENTITY_TOKEN_FILE";
    public static final String AWS_ENDPOINT_URL = "AWS_ENDPOINT_URL";
    public static final String AWS_ENDPOINT_URL_SQS = "AWS_ENDPOINT_URL_SQS";
    public static final String AWS_ENDPOINT_URL_DYNAMODB = "AWS_ENDPOINT_URL_DYNAMODB";
    public static final String AWS_ENDPOINT_URL_S3 = "AWS_ENDPOINT_URL_S3";
    public static final String AWS_ENDPOINT_URL_EC2 = "AWS_ENDPOINT_URL_EC2";

    /** The resource names, in the order they are written out. */
    public static final List<String> RESOURCES =
            List.of(REQUEST_QUEUE_URL, RESPONSE_QUEUE_URL, DEAD_LETTER_QUEUE_URL, CLAIMS_TABLE, JOBS_TABLE, BUCKET);

    /**
     * What a worker instance is configured with by its user data (the launch template's env file):
     * the resource names, its threads and idle timeout, and the region. The scheduler's EC2 launcher
     * adds {@link #SHUTDOWN_ON_IDLE}.
     */
    public static final Set<String> DEPLOYED_WORKER = union(RESOURCES, List.of(WORKER_THREADS, IDLE_TIMEOUT, AWS_REGION));

    /** Every variable {@code drover worker} reads. */
    public static final Set<String> READ_BY_WORKER = union(DEPLOYED_WORKER, List.of(LEASE, RESULT_LINGER,
            SHUTDOWN_ON_IDLE, PARENT_WATCH, SPOT_WATCH, TASK_USER, IMDS_ENDPOINT, AWS_DEFAULT_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
            AWS_PROFILE, AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_SQS, AWS_ENDPOINT_URL_DYNAMODB,
            AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL_EC2, FILES_CACHE, FILES_CACHE_LIMIT, INPUTS_CACHE_LIMIT));

    /** The CloudWatch namespace {@code drover scheduler} pushes its metrics under (none: no push). */
    public static final String CLOUDWATCH_NAMESPACE = "DROVER_CLOUDWATCH_NAMESPACE";

    /** What {@code drover scheduler -rw} reads to find its resources, size its fleet and launch workers. */
    public static final Set<String> READ_BY_SCHEDULER = union(RESOURCES, List.of(AWS_REGION, LAUNCH_TEMPLATE, SUBNET_IDS,
            MAX_WORKERS, WORKER_THREADS, IDLE_TIMEOUT, CLOUDWATCH_NAMESPACE), List.of(ADMIN_TOKEN_PARAMETER, TLS_FINGERPRINT_PARAMETER,
            TLS_PARAMETER, TLS_DNS_NAME, PRIVATE_ADDRESS, REPLICA_LEASE));

    /** Every name above. */
    public static final Set<String> ALL = union(READ_BY_WORKER, READ_BY_SCHEDULER, List.of(SCHEDULER, TLS_FINGERPRINT), TASK);

    @SafeVarargs
    private static Set<String> union(Collection<String>... parts) {
        return Stream.of(parts).flatMap(Collection::stream)
                .collect(Collectors.toUnmodifiableSet());
    }
}
