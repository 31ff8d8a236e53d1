package dev.drover.aws;

import static dev.drover.core.EnvironmentVariables.AWS_REGION;
import static dev.drover.core.EnvironmentVariables.IDLE_TIMEOUT;
import static dev.drover.core.EnvironmentVariables.SHUTDOWN_ON_IDLE;
import static dev.drover.core.EnvironmentVariables.WORKER_THREADS;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How {@link Ec2FleetLauncher} starts a worker: from an AMI (which needs an instance type) or from
 * a launch template (a name, or an {@code lt-} id), which supplies the rest. Whatever is set here
 * overrides the template. Build one with {@link #forAmi} or {@link #forLaunchTemplate} and the
 * {@code with*} methods.
 *
 * @param instanceProfile   the workers' instance profile: an ARN or a name
 * @param subnetIds         launches rotate across these (one per zone spreads capacity shortfalls);
 *                          empty: the template's or the default VPC's
 * @param spotMaxPrice      USD per hour as EC2 takes it ("0.05"); empty: capped at the on-demand price
 * @param fleetTag          value of the {@value Ec2FleetLauncher#FLEET_TAG} tag by which the fleet is listed
 * @param workerEnvironment the user data: the worker's settings as KEY=VALUE lines (see {@link #workerEnvironment})
 */
public record Ec2LaunchSpec(Optional<String> amiId, Optional<String> launchTemplate, Optional<String> instanceType,
                            Optional<String> instanceProfile, List<String> subnetIds, List<String> securityGroupIds,
                            boolean spot, Optional<String> spotMaxPrice, String fleetTag,
                            Map<String, String> workerEnvironment) {
    /** EC2 refuses user data over 16 KB before base64. */
    static final int MAX_USER_DATA_BYTES = 16 * 1024;
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    public Ec2LaunchSpec {
        if (amiId.isPresent() == launchTemplate.isPresent()) {
            throw new IllegalArgumentException("give either an AMI or a launch template, not both or neither");
        }
        if (amiId.isPresent() && instanceType.isEmpty()) {
            throw new IllegalArgumentException("an AMI needs an instance type");
        }
        if (fleetTag == null || fleetTag.isBlank()) {
            throw new IllegalArgumentException("a fleet tag is needed to find the fleet's instances again");
        }
        subnetIds = List.copyOf(subnetIds);
        securityGroupIds = List.copyOf(securityGroupIds);
        workerEnvironment = Collections.unmodifiableMap(new LinkedHashMap<>(workerEnvironment));
        // Fail when the scheduler starts, not at its first launch.
        workerEnvironment.forEach((k, v) -> {
            if (!NAME.matcher(k).matches() || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0) {
                throw new IllegalArgumentException("not an env file line: " + k + "=" + v);
            }
        });
        if (userDataText(workerEnvironment).getBytes(StandardCharsets.UTF_8).length > MAX_USER_DATA_BYTES) {
            throw new IllegalArgumentException("user data is over EC2's 16 KB limit");
        }
    }

    public static Ec2LaunchSpec forAmi(String amiId, String instanceType, String fleetTag, Map<String, String> env) {
        return new Ec2LaunchSpec(Optional.of(amiId), Optional.empty(), Optional.of(instanceType), Optional.empty(),
                List.of(), List.of(), false, Optional.empty(), fleetTag, env);
    }

    public static Ec2LaunchSpec forLaunchTemplate(String nameOrId, String fleetTag, Map<String, String> env) {
        return new Ec2LaunchSpec(Optional.empty(), Optional.of(nameOrId), Optional.empty(), Optional.empty(),
                List.of(), List.of(), false, Optional.empty(), fleetTag, env);
    }

    /**
     * The worker's settings: the resource names, its threads and idle timeout, the region (together
     * {@link dev.drover.core.EnvironmentVariables#DEPLOYED_WORKER}), and "power off when idle".
     */
    public static Map<String, String> workerEnvironment(DroverResources resources, int threads, Duration idleTimeout,
                                                        String region) {
        Map<String, String> env = resources.toEnvironment();
        env.put(WORKER_THREADS, String.valueOf(threads));
        // In a form `drover worker` parses (Durations.parse): whole seconds, else milliseconds.
        long millis = idleTimeout.toMillis();
        env.put(IDLE_TIMEOUT, millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms");
        env.put(AWS_REGION, region);
        env.put(SHUTDOWN_ON_IDLE, "1");
        return env;
    }

    public Ec2LaunchSpec withInstanceType(String type) {
        return new Ec2LaunchSpec(amiId, launchTemplate, Optional.of(type), instanceProfile, subnetIds, securityGroupIds,
                spot, spotMaxPrice, fleetTag, workerEnvironment);
    }

    public Ec2LaunchSpec withInstanceProfile(String arnOrName) {
        return new Ec2LaunchSpec(amiId, launchTemplate, instanceType, Optional.of(arnOrName), subnetIds,
                securityGroupIds, spot, spotMaxPrice, fleetTag, workerEnvironment);
    }

    public Ec2LaunchSpec withSubnets(List<String> ids) {
        return new Ec2LaunchSpec(amiId, launchTemplate, instanceType, instanceProfile, ids, securityGroupIds,
                spot, spotMaxPrice, fleetTag, workerEnvironment);
    }

    public Ec2LaunchSpec withSecurityGroups(List<String> ids) {
        return new Ec2LaunchSpec(amiId, launchTemplate, instanceType, instanceProfile, subnetIds, ids,
                spot, spotMaxPrice, fleetTag, workerEnvironment);
    }

    /** One-time spot instances, terminated on interruption; {@code maxPrice} empty: up to the on-demand price. */
    public Ec2LaunchSpec withSpot(Optional<String> maxPrice) {
        return new Ec2LaunchSpec(amiId, launchTemplate, instanceType, instanceProfile, subnetIds, securityGroupIds,
                true, maxPrice, fleetTag, workerEnvironment);
    }

    /** The env file the worker unit's fetch-config.sh reads, base64-encoded as RunInstances wants it. */
    public String userData() {
        return Base64.getEncoder().encodeToString(userDataText(workerEnvironment).getBytes(StandardCharsets.UTF_8));
    }

    private static String userDataText(Map<String, String> env) {
        StringBuilder text = new StringBuilder();
        env.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        return text.toString();
    }
}
