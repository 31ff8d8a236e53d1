package dev.drover.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.drover.core.InfrastructureException;
import dev.drover.core.port.FleetLauncher.Member;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Ec2FleetLauncher} through the real AWS SDK, as {@link AwsClients} configures it (retry
 * strategy, error translation), against an in-test server speaking EC2's query protocol: form-encoded
 * {@code Action=...} requests, XML answers in the 2016-11-15 namespace, {@code <Response><Errors>} errors.
 * What the hand-made client of {@link Ec2FleetLauncherTest} cannot show: the parameters on the wire,
 * the SDK's parsing of the answers, and which errors it retries.
 */
class Ec2ProtocolTest {
    static final String NS = "http://ec2.amazonaws.com/doc/2016-11-15/";
    static final String FLEET = "proto-fleet";

    /** One request as the server got it: its form parameters, in order. */
    record Call(Map<String, String> params) {
        String action() {
            return params.get("Action");
        }

        String get(String name) {
            return params.get(name);
        }
    }

    /** What the server answers: a status and an XML body. */
    record Answer(int status, String xml) {}

    final List<Call> calls = new CopyOnWriteArrayList<>();
    volatile Function<Call, Answer> answers;
    HttpServer server;
    AwsClients aws;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
        String endpoint = "http://127.0.0.1:" + server.getAddress().getPort();
        aws = new AwsClients(AwsSettings.fromEnvironment(Map.of("AWS_ENDPOINT_URL", endpoint, "AWS_REGION", "eu-west-1"),
                Optional.empty()));
    }

    @AfterEach
    void stop() {
        aws.close();
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        Map<String, String> params = new LinkedHashMap<>();
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        Call call = new Call(params);
        calls.add(call);
        Answer a = answers.apply(call);
        byte[] bytes = a.xml().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/xml;charset=UTF-8");
        exchange.sendResponseHeaders(a.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    Ec2FleetLauncher launcher(Ec2LaunchSpec spec) {
        return new Ec2FleetLauncher(aws.ec2(), spec, 10, Clock.systemUTC(), Duration.ZERO);
    }

    static Ec2LaunchSpec template() {
        return Ec2LaunchSpec.forLaunchTemplate("Drover-workers", FLEET, Ec2FleetLauncherTest.ENV);
    }

    static String instance(String id, String state) {
        return "<item><instanceId>" + id + "</instanceId><imageId>ami-1</imageId><instanceState><code>0</code><name>"
                + state + "</name></instanceState><launchTime>2026-12-06T05:00:00.000Z</launchTime></item>";
    }

    static Answer ran(String... ids) {
        StringBuilder items = new StringBuilder();
        for (String id : ids) {
            items.append(instance(id, "pending"));
        }
        return new Answer(200, "<RunInstancesResponse xmlns=\"" + NS + "\"><requestId>req-run</requestId>"
                + "<reservationId>r-1</reservationId><ownerId>123456789012</ownerId><groupSet/><instancesSet>" + items
                + "</instancesSet></RunInstancesResponse>");
    }

    static Answer described(String nextToken, String... idAndState) {
        StringBuilder items = new StringBuilder();
        for (int i = 0; i < idAndState.length; i += 2) {
            items.append(instance(idAndState[i], idAndState[i + 1]));
        }
        return new Answer(200, "<DescribeInstancesResponse xmlns=\"" + NS + "\"><requestId>req-d</requestId><reservationSet>"
                + "<item><reservationId>r-1</reservationId><ownerId>123456789012</ownerId><groupSet/><instancesSet>" + items
                + "</instancesSet></item></reservationSet>" + (nextToken == null ? "" : "<nextToken>" + nextToken + "</nextToken>")
                + "</DescribeInstancesResponse>");
    }

    static Answer error(int status, String code) {
        return new Answer(status, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error><Code>" + code
                + "</Code><Message>" + code + " (test)</Message></Error></Errors><RequestID>req-" + code
                + "</RequestID></Response>");
    }

    /** Answers DescribeInstances with an empty fleet, and RunInstances with {@code run}. */
    Function<Call, Answer> emptyFleetAnd(Function<Call, Answer> run) {
        return call -> call.action().equals("DescribeInstances") ? described(null) : run.apply(call);
    }

    List<Call> runs() {
        return calls.stream().filter(c -> c.action().equals("RunInstances")).toList();
    }

    @Test
    void runInstancesCarriesTheLaunchTemplateTagsAndSettingsOnTheWire() {
        answers = emptyFleetAnd(call -> ran("i-0a", "i-0b"));
        Ec2LaunchSpec spec = template().withInstanceProfile("arn:aws:iam::1:instance-profile/w")
                .withSecurityGroups(List.of("sg-1", "sg-2")).withSubnets(List.of("subnet-a"));

        assertEquals(List.of("i-0a", "i-0b"), launcher(spec).launch(2));

        Call run = runs().get(0);
        assertEquals("2016-11-15", run.get("Version"));
        assertEquals("Drover-workers", run.get("LaunchTemplate.LaunchTemplateName"));
        assertEquals(null, run.get("ImageId"), "the template's image");
        assertEquals("2", run.get("MinCount"));
        assertEquals("2", run.get("MaxCount"));
        assertEquals("terminate", run.get("InstanceInitiatedShutdownBehavior"));
        assertEquals("required", run.get("MetadataOptions.HttpTokens"));
        assertEquals("enabled", run.get("MetadataOptions.HttpEndpoint"));
        assertEquals("arn:aws:iam::1:instance-profile/w", run.get("IamInstanceProfile.Arn"));
        assertEquals("subnet-a", run.get("SubnetId"));
        assertEquals("sg-1", run.get("SecurityGroupId.1"));
        assertEquals("sg-2", run.get("SecurityGroupId.2"));
        assertTrue(run.get("ClientToken").length() >= 32, "an idempotency token: " + run.get("ClientToken"));
        for (int spec1 = 1; spec1 <= 2; spec1++) {
            String p = "TagSpecification." + spec1 + ".";
            assertEquals(spec1 == 1 ? "instance" : "volume", run.get(p + "ResourceType"));
            assertEquals(Ec2FleetLauncher.FLEET_TAG, run.get(p + "Tag.1.Key"));
            assertEquals(FLEET, run.get(p + "Tag.1.Value"));
            assertEquals("Name", run.get(p + "Tag.2.Key"));
            assertEquals(Ec2FleetLauncher.NAME, run.get(p + "Tag.2.Value"));
        }
        String userData = new String(Base64.getDecoder().decode(run.get("UserData")), StandardCharsets.UTF_8);
        assertTrue(userData.contains("DROVER_REQUEST_QUEUE_URL=https://sqs/req"), userData);
    }

    @Test
    void aTemplateIdAndSpotOptionsAreSerializedAsEc2NamesThem() {
        answers = emptyFleetAnd(call -> ran("i-1"));
        launcher(Ec2LaunchSpec.forLaunchTemplate("lt-0abc", FLEET, Ec2FleetLauncherTest.ENV).withInstanceType("c7i.large")
                .withInstanceProfile("worker").withSpot(Optional.of("0.05"))).launch(1);

        Call run = runs().get(0);
        assertEquals("lt-0abc", run.get("LaunchTemplate.LaunchTemplateId"));
        assertEquals(null, run.get("LaunchTemplate.LaunchTemplateName"));
        assertEquals("c7i.large", run.get("InstanceType"));
        assertEquals("worker", run.get("IamInstanceProfile.Name"));
        assertEquals("spot", run.get("InstanceMarketOptions.MarketType"));
        assertEquals("one-time", run.get("InstanceMarketOptions.SpotOptions.SpotInstanceType"));
        assertEquals("terminate", run.get("InstanceMarketOptions.SpotOptions.InstanceInterruptionBehavior"));
        assertEquals("0.05", run.get("InstanceMarketOptions.SpotOptions.MaxPrice"));
        assertEquals("terminate", run.get("InstanceInitiatedShutdownBehavior"), "a spot worker that powers off ends too");
    }

    @Test
    void describeInstancesFiltersByFleetTagAndStateAndFollowsNextToken() {
        answers = call -> call.get("NextToken") == null ? described("page-2", "i-1", "running", "i-2", "terminated")
                : described(null, "i-3", "pending");

        List<Member> members = launcher(template()).members();

        assertEquals(List.of("i-1", "i-2", "i-3"), members.stream().map(Member::id).toList());
        assertEquals(List.of(true, false, true), members.stream().map(Member::alive).toList());
        Call first = calls.get(0);
        assertEquals("DescribeInstances", first.action());
        assertEquals("tag:" + Ec2FleetLauncher.FLEET_TAG, first.get("Filter.1.Name"));
        assertEquals(FLEET, first.get("Filter.1.Value.1"));
        assertEquals("instance-state-name", first.get("Filter.2.Name"));
        List<String> states = new ArrayList<>();
        for (int i = 1; first.get("Filter.2.Value." + i) != null; i++) {
            states.add(first.get("Filter.2.Value." + i));
        }
        assertEquals(List.of("pending", "running", "shutting-down", "terminated", "stopping", "stopped"), states);
        assertEquals("1000", first.get("MaxResults"));
        assertEquals("page-2", calls.get(1).get("NextToken"), "the second page asked for by the first one's token");
    }

    @Test
    void insufficientCapacityIsRetriedBySdkThenReportedTransientAndOtherSubnetsStillLaunch() {
        answers = emptyFleetAnd(call -> "subnet-a".equals(call.get("SubnetId")) ? error(500, "InsufficientInstanceCapacity")
                : ran("i-b"));
        Ec2FleetLauncher launcher = launcher(template().withSubnets(List.of("subnet-a", "subnet-b")));

        assertEquals(List.of("i-b"), launcher.launch(2), "subnet-b launches although subnet-a has no capacity");
        assertEquals(AwsClients.MAX_ATTEMPTS, runs().stream().filter(c -> "subnet-a".equals(c.get("SubnetId"))).count(),
                "a 5xx is retried by the SDK, up to its attempts");

        answers = emptyFleetAnd(call -> error(500, "InsufficientInstanceCapacity"));
        InfrastructureException e = assertThrows(InfrastructureException.class, () -> launcher.launch(1));
        assertEquals("InsufficientInstanceCapacity", e.errorCode());
        assertEquals(InfrastructureException.Kind.TRANSIENT, e.kind(), "the provisioner tries again later");
        assertEquals("req-InsufficientInstanceCapacity", e.requestId());
    }

    @Test
    void requestLimitExceededIsThrottlingTheSdkBacksOffAndTriesAgain() {
        int[] left = {2};
        answers = emptyFleetAnd(call -> left[0]-- > 0 ? error(503, "RequestLimitExceeded") : ran("i-1"));

        assertEquals(List.of("i-1"), launcher(template()).launch(1));
        assertEquals(3, runs().size(), "two throttled attempts, then the launch");
        assertEquals(1, runs().stream().map(c -> c.get("ClientToken")).distinct().count(),
                "every attempt carries the same client token, so a retry never launches twice");

        answers = emptyFleetAnd(call -> error(503, "RequestLimitExceeded"));
        InfrastructureException e = assertThrows(InfrastructureException.class, () -> launcher(template()).launch(1));
        assertEquals(InfrastructureException.Kind.THROTTLED, e.kind());
    }

    @Test
    void unauthorizedOperationIsNotRetriedAndIsPermanent() {
        answers = emptyFleetAnd(call -> error(403, "UnauthorizedOperation"));

        InfrastructureException e = assertThrows(InfrastructureException.class, () -> launcher(template()).launch(1));

        assertEquals("UnauthorizedOperation", e.errorCode());
        assertEquals(InfrastructureException.Kind.PERMANENT, e.kind(), "trying again cannot help");
        assertEquals(1, runs().size(), "one attempt: the SDK does not retry a 403");
    }
}
