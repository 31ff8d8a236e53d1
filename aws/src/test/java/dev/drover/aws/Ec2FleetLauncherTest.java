package dev.drover.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.port.FleetLauncher.Member;
import java.nio.charset.StandardCharsets;
import dev.drover.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesRequest;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesResponse;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.HttpTokensState;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.Reservation;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.RunInstancesRequest;
import software.amazon.awssdk.services.ec2.model.RunInstancesResponse;
import software.amazon.awssdk.services.ec2.model.ShutdownBehavior;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/**
 * The launcher's own logic (caps, subnets, listing, prices) on a hand-made {@link Ec2Client}; what goes
 * over the wire, and how EC2's errors come back through the SDK, is {@link Ec2ProtocolTest}'s.
 */
class Ec2FleetLauncherTest {
    static final String FLEET = "test-fleet";
    static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    static final DroverResources RESOURCES = new DroverResources("https://sqs/req", "https://sqs/resp",
            "https://sqs/dlq", "claims", "jobs", "bucket");
    static final Map<String, String> ENV = Ec2LaunchSpec.workerEnvironment(RESOURCES, 8, Duration.ofSeconds(90),
            "eu-west-1");

    final FakeEc2 ec2 = new FakeEc2();
    final MutableClock clock = new MutableClock(T0);

    Ec2FleetLauncher launcher(Ec2LaunchSpec spec, int maxWorkers) {
        return new Ec2FleetLauncher(ec2, spec, maxWorkers, clock, Duration.ZERO);
    }

    static Ec2LaunchSpec ami() {
        return Ec2LaunchSpec.forAmi("ami-123", "c6i.large", FLEET, ENV);
    }

    @Test
    void anAmiLaunchIsOneRunInstancesWithEverythingSet() {
        Ec2LaunchSpec spec = ami().withInstanceProfile("arn:aws:iam::1:instance-profile/worker")
                .withSecurityGroups(List.of("sg-1", "sg-2"));
        List<String> ids = launcher(spec, 10).launch(2);

        assertEquals(List.of("i-1", "i-2"), ids);
        assertEquals(1, ec2.runs.size());
        RunInstancesRequest r = ec2.runs.get(0);
        assertEquals("ami-123", r.imageId());
        assertNull(r.launchTemplate());
        assertEquals("c6i.large", r.instanceTypeAsString());
        assertEquals(2, r.minCount());
        assertEquals(2, r.maxCount());
        assertEquals(ShutdownBehavior.TERMINATE, r.instanceInitiatedShutdownBehavior());
        assertEquals(HttpTokensState.REQUIRED, r.metadataOptions().httpTokens());
        assertEquals("arn:aws:iam::1:instance-profile/worker", r.iamInstanceProfile().arn());
        assertNull(r.iamInstanceProfile().name());
        assertEquals(List.of("sg-1", "sg-2"), r.securityGroupIds());
        assertNull(r.subnetId());
        assertNull(r.instanceMarketOptions(), "on-demand unless spot is asked for");
        assertNotNull(r.clientToken());
        Map<ResourceType, Map<String, String>> tags = r.tagSpecifications().stream().collect(Collectors.toMap(
                TagSpecification::resourceType, s -> s.tags().stream().collect(Collectors.toMap(Tag::key, Tag::value))));
        Map<String, String> expected = Map.of("drover:fleet", FLEET, "Name", "drover-worker");
        assertEquals(Map.of(ResourceType.INSTANCE, expected, ResourceType.VOLUME, expected), tags);
    }

    @Test
    void userDataIsTheWorkersEnvFile() {
        launcher(ami(), 10).launch(1);
        String userData = new String(Base64.getDecoder().decode(ec2.runs.get(0).userData()), StandardCharsets.UTF_8);
        assertEquals(String.join("\n",
                "DROVER_REQUEST_QUEUE_URL=https://sqs/req",
                "DROVER_RESPONSE_QUEUE_URL=https://sqs/resp",
                "DROVER_DEAD_LETTER_QUEUE_URL=https://sqs/dlq",
                "DROVER_CLAIMS_TABLE=claims",
                "DROVER_JOBS_TABLE=jobs",
                "DROVER_BUCKET=bucket",
                "DROVER_WORKER_THREADS=8",
                "DROVER_IDLE_TIMEOUT=90s",
                "AWS_REGION=eu-west-1",
                "DROVER_SHUTDOWN_ON_IDLE=1",
                ""), userData);
        assertEquals("1500ms", Ec2LaunchSpec.workerEnvironment(RESOURCES, 1, Duration.ofMillis(1500), "r")
                .get("DROVER_IDLE_TIMEOUT"));
    }

    @Test
    void aSpecIsCheckedWhenMade() {
        assertThrows(IllegalArgumentException.class, () -> new Ec2LaunchSpec(Optional.of("ami-1"), Optional.of("lt-1"),
                Optional.of("t3.micro"), Optional.empty(), List.of(), List.of(), false, Optional.empty(), FLEET, ENV));
        assertThrows(IllegalArgumentException.class, () -> new Ec2LaunchSpec(Optional.empty(), Optional.empty(),
                Optional.of("t3.micro"), Optional.empty(), List.of(), List.of(), false, Optional.empty(), FLEET, ENV));
        assertThrows(IllegalArgumentException.class, () -> new Ec2LaunchSpec(Optional.of("ami-1"), Optional.empty(),
                Optional.empty(), Optional.empty(), List.of(), List.of(), false, Optional.empty(), FLEET, ENV));
        assertThrows(IllegalArgumentException.class, () -> Ec2LaunchSpec.forAmi("ami-1", "t3.micro", FLEET,
                Map.of("DROVER_BUCKET", "b\nEVIL=1")));
        assertThrows(IllegalArgumentException.class, () -> Ec2LaunchSpec.forAmi("ami-1", "t3.micro", FLEET,
                Map.of("X", "y".repeat(Ec2LaunchSpec.MAX_USER_DATA_BYTES))));
    }

    @Test
    void launchesRotateAcrossSubnets() {
        Ec2FleetLauncher launcher = launcher(ami().withSubnets(List.of("subnet-a", "subnet-b", "subnet-c")), 10);
        assertEquals(4, launcher.launch(4).size());
        launcher.launch(1);
        launcher.launch(1);

        assertEquals(List.of("subnet-a:2", "subnet-b:1", "subnet-c:1", "subnet-b:1", "subnet-c:1"),
                ec2.runs.stream().map(r -> r.subnetId() + ":" + r.minCount()).toList());
        ec2.runs.forEach(r -> assertEquals(r.minCount(), r.maxCount()));
    }

    @Test
    void neverMoreThanMaxWorkersLive() {
        Ec2FleetLauncher launcher = launcher(ami(), 4);
        assertEquals(4, launcher.launch(10).size());
        assertEquals(4, ec2.runs.get(0).maxCount());
        assertEquals(List.of(), launcher.launch(1));
        assertEquals(1, ec2.runs.size(), "no RunInstances once the cap is reached");
    }

    @Test
    void theCapCountsWhatIsAlreadyRunningAfterARestart() {
        ec2.add("i-r1", InstanceStateName.RUNNING, FLEET);
        ec2.add("i-r2", InstanceStateName.RUNNING, FLEET);
        ec2.add("i-p1", InstanceStateName.PENDING, FLEET);
        ec2.add("i-t1", InstanceStateName.TERMINATED, FLEET);
        ec2.add("i-other", InstanceStateName.RUNNING, "another-fleet");

        Ec2FleetLauncher restarted = launcher(ami(), 4);
        assertEquals(List.of("i-1"), restarted.launch(5));
        assertEquals(1, ec2.runs.get(0).maxCount());

        ec2.runs.clear();
        assertEquals(List.of(), restarted.launch(3));
        assertTrue(ec2.runs.isEmpty(), "4 live: RunInstances is not called");
        assertTrue(ec2.describes.size() >= 2, "live was counted from the listing");
    }

    @Test
    void aLaunchNotListedYetStillCounts() {
        ec2.listLaunches = false; // EC2's listing is eventually consistent
        Ec2FleetLauncher launcher = launcher(ami(), 4);
        assertEquals(3, launcher.launch(3).size());
        assertEquals(1, launcher.launch(3).size());
        assertEquals(4, launcher.members().stream().filter(Member::alive).count());
    }

    @Test
    void membersListsTheFleetByTagAcrossPagesAndMarksStoppedOnes() {
        ec2.pageSize = 2;
        ec2.add("i-run", InstanceStateName.RUNNING, FLEET);
        ec2.add("i-pend", InstanceStateName.PENDING, FLEET);
        ec2.add("i-term", InstanceStateName.TERMINATED, FLEET);
        ec2.add("i-down", InstanceStateName.SHUTTING_DOWN, FLEET);
        ec2.add("i-stop", InstanceStateName.STOPPED, FLEET);
        ec2.add("i-other", InstanceStateName.RUNNING, "another-fleet");
        Ec2FleetLauncher launcher = launcher(ami(), 10);

        clock.advance(Duration.ofSeconds(30));
        long firstSeen = clock.millis();
        Map<String, Member> members = byId(launcher.members());
        assertEquals(Set.of("i-run", "i-pend", "i-term", "i-down", "i-stop"), members.keySet());
        assertEquals(new Member("i-run", T0.toEpochMilli(), 0), members.get("i-run"));
        assertEquals(new Member("i-pend", T0.toEpochMilli(), 0), members.get("i-pend"));
        for (String stopped : List.of("i-term", "i-down", "i-stop")) {
            assertEquals(new Member(stopped, T0.toEpochMilli(), firstSeen), members.get(stopped), stopped);
        }
        assertEquals(3, ec2.describes.size(), "5 instances in pages of 2");
        DescribeInstancesRequest request = ec2.describes.get(0);
        assertEquals(Map.of("tag:drover:fleet", List.of(FLEET),
                        "instance-state-name", List.of("pending", "running", "shutting-down", "terminated", "stopping", "stopped")),
                request.filters().stream().collect(Collectors.toMap(Filter::name, Filter::values)));

        ec2.setState("i-run", InstanceStateName.TERMINATED);
        clock.advance(Duration.ofSeconds(10));
        members = byId(launcher.members());
        assertEquals(clock.millis(), members.get("i-run").stoppedAt(), "stopped when first seen stopped");
        assertEquals(firstSeen, members.get("i-term").stoppedAt(), "not moved by a later listing");
    }

    @Test
    void listsAtMostEveryRefreshInterval() {
        Ec2FleetLauncher launcher = new Ec2FleetLauncher(ec2, ami(), 10, clock, Duration.ofSeconds(5));
        launcher.members();
        launcher.launch(1);
        launcher.members();
        assertEquals(1, ec2.describes.size());
        clock.advance(Duration.ofSeconds(5));
        launcher.members();
        assertEquals(2, ec2.describes.size());
    }

    @Test
    void pricesComeFromOverridesThenTheTable() {
        assertEquals(0.085, Ec2Pricing.hourlyPriceUsd("c6i.large", Map.of()));
        assertEquals(0.0104, Ec2Pricing.hourlyPriceUsd("t3.micro", Map.of()));
        assertEquals(0.07, Ec2Pricing.hourlyPriceUsd("c6i.large", Map.of("c6i.large", 0.07)));
        assertEquals(1.5, Ec2Pricing.hourlyPriceUsd("p9.huge", Map.of("p9.huge", 1.5)));
        assertThrows(IllegalArgumentException.class, () -> Ec2Pricing.hourlyPriceUsd("p9.huge", Map.of()));
    }

    @Test
    void costIsPerSecondWithASixtySecondMinimum() {
        long now = T0.toEpochMilli() + 100_000;
        List<Member> members = List.of(
                new Member("a", T0.toEpochMilli(), T0.toEpochMilli() + 10_000),
                new Member("b", T0.toEpochMilli(), T0.toEpochMilli() + 90_000),
                new Member("c", now, 0));
        assertEquals((60 + 90 + 60) * 0.36 / 3600, Ec2Pricing.costUsd(members, 0.36, now), 1e-12);
        assertEquals(0, Ec2Pricing.costUsd(List.of(), 0.36, now));
    }

    static Map<String, Member> byId(List<Member> members) {
        return members.stream().collect(Collectors.toMap(Member::id, Function.identity()));
    }

    /** EC2 as far as the launcher uses it; the SDK's paginator calls {@link #describeInstances} page by page. */
    static final class FakeEc2 implements Ec2Client {
        final List<RunInstancesRequest> runs = new ArrayList<>();
        final List<DescribeInstancesRequest> describes = new ArrayList<>();
        final Map<String, Instance> instances = new LinkedHashMap<>();
        boolean listLaunches = true;
        int pageSize = 1000;
        int launched;

        void add(String id, InstanceStateName state, String fleet) {
            instances.put(id, Instance.builder().instanceId(id).launchTime(T0)
                    .state(s -> s.name(state))
                    .tags(Tag.builder().key("drover:fleet").value(fleet).build()).build());
        }

        void setState(String id, InstanceStateName state) {
            instances.put(id, instances.get(id).toBuilder().state(s -> s.name(state)).build());
        }

        @Override
        public RunInstancesResponse runInstances(RunInstancesRequest request) {
            runs.add(request);
            List<Instance> started = new ArrayList<>();
            for (int i = 0; i < request.maxCount(); i++) {
                String id = "i-" + ++launched;
                String fleet = request.tagSpecifications().get(0).tags().get(0).value();
                Instance instance = Instance.builder().instanceId(id).launchTime(T0)
                        .state(s -> s.name(InstanceStateName.PENDING))
                        .tags(Tag.builder().key("drover:fleet").value(fleet).build()).build();
                started.add(instance);
                if (listLaunches) {
                    instances.put(id, instance);
                }
            }
            return RunInstancesResponse.builder().instances(started).build();
        }

        @Override
        public DescribeInstancesResponse describeInstances(DescribeInstancesRequest request) {
            describes.add(request);
            List<String> fleets = request.filters().stream().filter(f -> f.name().equals("tag:drover:fleet"))
                    .findFirst().orElseThrow().values();
            List<Instance> matching = instances.values().stream()
                    .filter(i -> i.tags().stream().anyMatch(t -> fleets.contains(t.value()))).toList();
            int from = request.nextToken() == null ? 0 : Integer.parseInt(request.nextToken());
            int to = Math.min(matching.size(), from + pageSize);
            return DescribeInstancesResponse.builder()
                    .reservations(Reservation.builder().instances(matching.subList(from, to)).build())
                    .nextToken(to < matching.size() ? String.valueOf(to) : null)
                    .build();
        }

        @Override
        public String serviceName() {
            return SERVICE_NAME;
        }

        @Override
        public void close() {
        }
    }

}
