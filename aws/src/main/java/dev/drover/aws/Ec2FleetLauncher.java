package dev.drover.aws;

import dev.drover.core.InfrastructureException;
import dev.drover.core.port.FleetLauncher;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesRequest;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.HttpTokensState;
import software.amazon.awssdk.services.ec2.model.IamInstanceProfileSpecification;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceInterruptionBehavior;
import software.amazon.awssdk.services.ec2.model.InstanceMetadataEndpointState;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.LaunchTemplateSpecification;
import software.amazon.awssdk.services.ec2.model.MarketType;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.RunInstancesRequest;
import software.amazon.awssdk.services.ec2.model.ShutdownBehavior;
import software.amazon.awssdk.services.ec2.model.SpotInstanceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/**
 * Workers as EC2 instances. Each launch is one RunInstances call per subnet used, with the worker's
 * settings as user data, shutdown behaviour {@code terminate} (a worker that powers off when idle
 * ends its bill) and a {@value #FLEET_TAG} tag, by which {@link #members()} finds the fleet again,
 * also after a scheduler restart. Never more than {@code maxWorkers} are live at once.
 */
public final class Ec2FleetLauncher implements FleetLauncher {
    private static final Logger log = LoggerFactory.getLogger(Ec2FleetLauncher.class);

    public static final String FLEET_TAG = "drover:fleet";
    public static final String NAME = "drover-worker";
    /** List at most this often: the provisioner asks several times a second, and EC2 throttles describes per account. */
    public static final Duration REFRESH = Duration.ofSeconds(5);
    private static final List<String> LISTED_STATES =
            List.of("pending", "running", "shutting-down", "terminated", "stopping", "stopped");
    private static final Set<InstanceStateName> STOPPED = EnumSet.of(InstanceStateName.SHUTTING_DOWN,
            InstanceStateName.TERMINATED, InstanceStateName.STOPPING, InstanceStateName.STOPPED);

    private final Ec2Client ec2;
    private final Ec2LaunchSpec spec;
    private final int maxWorkers;
    private final Clock clock;
    private final Duration refresh;
    private final Map<String, Member> members = new LinkedHashMap<>();
    private boolean listed;
    private long listedAt;
    private int nextSubnet;

    public Ec2FleetLauncher(Ec2Client ec2, Ec2LaunchSpec spec, int maxWorkers, Clock clock) {
        this(ec2, spec, maxWorkers, clock, REFRESH);
    }

    Ec2FleetLauncher(Ec2Client ec2, Ec2LaunchSpec spec, int maxWorkers, Clock clock, Duration refresh) {
        if (maxWorkers < 0) {
            throw new IllegalArgumentException("maxWorkers must not be negative");
        }
        this.ec2 = ec2;
        this.spec = spec;
        this.maxWorkers = maxWorkers;
        this.clock = clock;
        this.refresh = refresh;
    }

    /**
     * Launches up to {@code count} instances, fewer if that would put more than {@code maxWorkers}
     * live; returns the ids launched. With several subnets, a failure in one is logged and the
     * others still launch; only when nothing launched does the failure propagate.
     */
    @Override
    public synchronized List<String> launch(int count) {
        if (count <= 0) {
            return List.of();
        }
        long live = members().stream().filter(Member::alive).count();
        int allowed = (int) Math.min(count, Math.max(0, maxWorkers - live));
        if (allowed < count) {
            log.info("launching {} of {} workers asked: {} live, at most {}", allowed, count, live, maxWorkers);
        }
        if (allowed == 0) {
            return List.of();
        }
        if (spec.subnetIds().isEmpty()) {
            return run(null, allowed);
        }
        List<String> launched = new ArrayList<>();
        InfrastructureException failure = null;
        for (Map.Entry<String, Integer> share : shares(allowed).entrySet()) {
            try {
                launched.addAll(run(share.getKey(), share.getValue()));
            } catch (InfrastructureException e) {
                log.warn("could not launch {} workers in {}: {}", share.getValue(), share.getKey(), e.getMessage());
                failure = failure == null ? e : failure;
            }
        }
        if (launched.isEmpty() && failure != null) {
            throw failure;
        }
        return launched;
    }

    /**
     * The fleet's instances, listed by tag at most every {@link #REFRESH}. An instance launched
     * here stays live until the listing says otherwise: the listing lags a launch by seconds.
     */
    @Override
    public synchronized List<Member> members() {
        long now = clock.millis();
        if (!listed || now - listedAt >= refresh.toMillis()) {
            list(now);
            listed = true;
            listedAt = now;
        }
        return List.copyOf(members.values());
    }

    /** Round robin over the subnets, carried across launches: subnet → instances to launch there. */
    private Map<String, Integer> shares(int count) {
        Map<String, Integer> shares = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            shares.merge(spec.subnetIds().get(nextSubnet), 1, Integer::sum);
            nextSubnet = (nextSubnet + 1) % spec.subnetIds().size();
        }
        return shares;
    }

    private List<String> run(String subnetId, int count) {
        RunInstancesRequest request = request(subnetId, count);
        List<Instance> started = AwsErrors.call("EC2", () -> ec2.runInstances(request)).instances();
        long now = clock.millis();
        List<String> ids = new ArrayList<>();
        for (Instance instance : started) {
            members.put(instance.instanceId(), new Member(instance.instanceId(), now, 0));
            ids.add(instance.instanceId());
        }
        log.info("launched {} workers{}: {}", ids.size(), subnetId == null ? "" : " in " + subnetId, ids);
        return ids;
    }

    private RunInstancesRequest request(String subnetId, int count) {
        RunInstancesRequest.Builder b = RunInstancesRequest.builder()
                .minCount(count)
                .maxCount(count)
                // The SDK retries a timed-out call with the same token, so a retry never launches twice.
                .clientToken(UUID.randomUUID().toString())
                .instanceInitiatedShutdownBehavior(ShutdownBehavior.TERMINATE)
                // The worker reads its user data and spot notices through IMDSv2 only.
                .metadataOptions(m -> m.httpTokens(HttpTokensState.REQUIRED)
                        .httpEndpoint(InstanceMetadataEndpointState.ENABLED))
                .tagSpecifications(tags(ResourceType.INSTANCE), tags(ResourceType.VOLUME))
                .userData(spec.userData());
        spec.amiId().ifPresent(b::imageId);
        spec.launchTemplate().ifPresent(t -> b.launchTemplate(t.startsWith("lt-")
                ? LaunchTemplateSpecification.builder().launchTemplateId(t).build()
                : LaunchTemplateSpecification.builder().launchTemplateName(t).build()));
        spec.instanceType().ifPresent(b::instanceType);
        spec.instanceProfile().ifPresent(p -> b.iamInstanceProfile(p.startsWith("arn:")
                ? IamInstanceProfileSpecification.builder().arn(p).build()
                : IamInstanceProfileSpecification.builder().name(p).build()));
        if (subnetId != null) {
            b.subnetId(subnetId);
        }
        if (!spec.securityGroupIds().isEmpty()) {
            b.securityGroupIds(spec.securityGroupIds());
        }
        if (spec.spot()) {
            b.instanceMarketOptions(o -> o.marketType(MarketType.SPOT).spotOptions(s -> s
                    .spotInstanceType(SpotInstanceType.ONE_TIME)
                    .instanceInterruptionBehavior(InstanceInterruptionBehavior.TERMINATE)
                    .maxPrice(spec.spotMaxPrice().orElse(null))));
        }
        return b.build();
    }

    private TagSpecification tags(ResourceType type) {
        return TagSpecification.builder().resourceType(type).tags(
                Tag.builder().key(FLEET_TAG).value(spec.fleetTag()).build(),
                Tag.builder().key("Name").value(NAME).build()).build();
    }

    private void list(long now) {
        DescribeInstancesRequest request = DescribeInstancesRequest.builder()
                .filters(Filter.builder().name("tag:" + FLEET_TAG).values(spec.fleetTag()).build(),
                        Filter.builder().name("instance-state-name").values(LISTED_STATES).build())
                .maxResults(1000)
                .build();
        // The paginator fetches pages as it is iterated: iterate inside the call so errors are translated.
        List<Instance> instances = AwsErrors.call("EC2", () -> ec2.describeInstancesPaginator(request).reservations()
                .stream().flatMap(r -> r.instances().stream()).toList());
        for (Instance instance : instances) {
            String id = instance.instanceId();
            Member known = members.get(id);
            // Lifetimes of instances launched here stay on our clock; others start when EC2 says.
            long launchedAt = known != null ? known.launchedAt()
                    : instance.launchTime() != null ? instance.launchTime().toEpochMilli() : now;
            long stoppedAt = !STOPPED.contains(instance.state().name()) ? 0
                    : known != null && !known.alive() ? known.stoppedAt() : now;
            members.put(id, new Member(id, launchedAt, stoppedAt));
        }
    }
}
