package dev.drover.infra;

import java.math.BigDecimal;
import java.util.regex.Pattern;
import software.constructs.Node;

/**
 * The stack's settings, read once from CDK context values.
 *
 * @param amiId worker image built by ami-build; {@link #PLACEHOLDER_AMI} when not given (synth only)
 * @param allowedCidr the only IPv4 range that may reach the scheduler's HTTP port; required, no default
 * @param instanceType worker instance type (the worker is a JVM jar, so x86 is the safe default)
 * @param schedulerInstanceType type of each scheduler replica's instance
 * @param maxWorkers cap on concurrently running workers, handed to the scheduler
 * @param workerThreads tasks one worker runs at once
 * @param idleTimeout how long a worker waits for work before it exits and its instance terminates
 * @param retentionDays how long a job's objects (its workload, payloads, files and outputs) are kept in
 *                      the bucket after they were written, by lifecycle rules; locally the same expiry is
 *                      {@code dev.drover.core.retention.StoreRetention}
 * @param schedulerReplicas how many scheduler replicas the Auto Scaling group keeps running, spread over
 *                          the two Availability Zones (1 to {@value #MAX_SCHEDULER_REPLICAS})
 */
public record DroverConfig(String amiId, String allowedCidr, String instanceType, String schedulerInstanceType,
        int maxWorkers, int workerThreads, String idleTimeout, int retentionDays, int schedulerReplicas) {

    /** Not a real image: lets `cdk synth` and the tests run without one. Deploy with -c amiId=ami-... */
    public static final String PLACEHOLDER_AMI = "ami-00000000000000000";
    public static final String DEFAULT_INSTANCE_TYPE = "c6i.large";
    public static final String DEFAULT_SCHEDULER_INSTANCE_TYPE = "t3.small";
    public static final int DEFAULT_MAX_WORKERS = 10;
    public static final int DEFAULT_WORKER_THREADS = 2; // c6i.large has 2 vCPUs
    public static final String DEFAULT_IDLE_TIMEOUT = "2m"; // EC2 bills a 60 s minimum anyway
    /** As long as the local store keeps a job's objects ({@code StoreRetention.DEFAULT_RETENTION}). */
    public static final int DEFAULT_RETENTION_DAYS = 30;
    /** One in each Availability Zone: either may fail and the other takes its jobs. */
    public static final int DEFAULT_SCHEDULER_REPLICAS = 2;
    /** A guard against a slip of the keyboard (100 would start 100 instances); the workers, not the schedulers, carry the load. */
    public static final int MAX_SCHEDULER_REPLICAS = 10;

    /** The settings before {@code retentionDays} existed, with its default. */
    public DroverConfig(String amiId, String allowedCidr, String instanceType, String schedulerInstanceType,
                        int maxWorkers, int workerThreads, String idleTimeout) {
        this(amiId, allowedCidr, instanceType, schedulerInstanceType, maxWorkers, workerThreads, idleTimeout,
                DEFAULT_RETENTION_DAYS);
    }

    /** The settings before {@code schedulerReplicas} existed, with its default. */
    public DroverConfig(String amiId, String allowedCidr, String instanceType, String schedulerInstanceType,
                        int maxWorkers, int workerThreads, String idleTimeout, int retentionDays) {
        this(amiId, allowedCidr, instanceType, schedulerInstanceType, maxWorkers, workerThreads, idleTimeout,
                retentionDays, DEFAULT_SCHEDULER_REPLICAS);
    }

    private static final Pattern AMI = Pattern.compile("ami-[0-9a-f]{8,17}");
    private static final Pattern CIDR = Pattern.compile(
            "((25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1?\\d?\\d)/(3[0-2]|[12]?\\d)");
    private static final Pattern DURATION = Pattern.compile("\\d+[smh]?");

    public DroverConfig {
        require(AMI.matcher(amiId).matches(), "amiId must look like ami-0123456789abcdef0, got: " + amiId);
        require(allowedCidr != null && CIDR.matcher(allowedCidr).matches(),
                "context value allowedCidr is required: the IPv4 CIDR allowed to reach the scheduler,"
                        + " e.g. -c allowedCidr=203.0.113.7/32 (got: " + allowedCidr + ")");
        require(maxWorkers > 0, "maxWorkers must be positive, got: " + maxWorkers);
        require(workerThreads > 0, "workerThreads must be positive, got: " + workerThreads);
        require(DURATION.matcher(idleTimeout).matches(), "idleTimeout must be seconds or like 30s/2m, got: " + idleTimeout);
        require(retentionDays > 0, "retentionDays must be a positive number of days, got: " + retentionDays);
        require(schedulerReplicas >= 1 && schedulerReplicas <= MAX_SCHEDULER_REPLICAS,
                "schedulerReplicas must be 1 to " + MAX_SCHEDULER_REPLICAS + ", got: " + schedulerReplicas);
    }

    public boolean placeholderAmi() {
        return PLACEHOLDER_AMI.equals(amiId);
    }

    public static DroverConfig fromContext(Node node) {
        return new DroverConfig(
                string(node, "amiId", PLACEHOLDER_AMI),
                string(node, "allowedCidr", null),
                string(node, "instanceType", DEFAULT_INSTANCE_TYPE),
                string(node, "schedulerInstanceType", DEFAULT_SCHEDULER_INSTANCE_TYPE),
                integer(node, "maxWorkers", DEFAULT_MAX_WORKERS),
                integer(node, "workerThreads", DEFAULT_WORKER_THREADS),
                string(node, "idleTimeout", DEFAULT_IDLE_TIMEOUT),
                integer(node, "retentionDays", DEFAULT_RETENTION_DAYS),
                integer(node, "schedulerReplicas", DEFAULT_SCHEDULER_REPLICAS));
    }

    private static String string(Node node, String key, String fallback) {
        Object value = node.tryGetContext(key);
        return value == null || value.toString().isBlank() ? fallback : value.toString().trim();
    }

    /** From the command line a context value is a string, from cdk.json maybe a number (10 or 10.0). */
    private static int integer(Node node, String key, int fallback) {
        String value = string(node, key, String.valueOf(fallback));
        try {
            return new BigDecimal(value).intValueExact();
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, got: " + value, e);
        }
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
