package dev.drover.infra;

import static dev.drover.infra.TemplateJson.asList;
import static dev.drover.infra.TemplateJson.asMap;
import static dev.drover.infra.TemplateJson.render;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.CfnElement;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.iam.Role;
import software.constructs.IConstruct;

/** Assertions on the synthesized stack: every resource, every policy statement, and what must not be there. */
class DroverStackTest {
    static final String AMI = "ami-0123456789abcdef0";
    static final String CIDR = "198.51.100.0/24";

    static DroverStack stack;
    static Template template;
    static Map<String, Object> json;

    /** One synth for the whole class: it is the slow part. Context as `cdk -c` would pass it (strings). */
    @BeforeAll
    static void synthesize() {
        App app = new App(AppProps.builder().context(Map.of(
                "amiId", AMI, "allowedCidr", CIDR, "instanceType", "m6i.large", "maxWorkers", "7",
                "workerThreads", "4", "idleTimeout", "90s")).build());
        stack = new DroverStack(app, "Drover", StackProps.builder().build(), DroverConfig.fromContext(app.getNode()));
        template = Template.fromStack(stack);
        json = template.toJSON();
    }

    // --- queues -------------------------------------------------------------------------------

    @Test
    void requestQueueIsEncryptedWithTheHeartbeatVisibilityAndRedrivesAfterFiveReceives() {
        template.hasResourceProperties("AWS::SQS::Queue", Map.of(
                "VisibilityTimeout", 60,
                "ReceiveMessageWaitTimeSeconds", 20,
                "SqsManagedSseEnabled", true,
                "RedrivePolicy", Map.of(
                        "deadLetterTargetArn", arn(stack.queues.requestDeadLetters),
                        "maxReceiveCount", 5)));
        assertEquals(60, properties(stack.queues.requests).get("VisibilityTimeout"));
    }

    @Test
    void responseQueueIsEncryptedAndRedrivesToItsOwnDeadLetterQueue() {
        assertEquals(Map.of("deadLetterTargetArn", arn(stack.queues.responseDeadLetters), "maxReceiveCount", 5),
                properties(stack.queues.responses).get("RedrivePolicy"));
        assertEquals(true, properties(stack.queues.responses).get("SqsManagedSseEnabled"));
    }

    @Test
    void deadLetterQueuesAreEncryptedAndKeepMessagesFourteenDays() {
        for (IConstruct queue : List.of(stack.queues.requestDeadLetters, stack.queues.responseDeadLetters)) {
            assertEquals(1209600, properties(queue).get("MessageRetentionPeriod"));
            assertEquals(true, properties(queue).get("SqsManagedSseEnabled"));
            assertNull(properties(queue).get("RedrivePolicy"));
        }
        template.resourceCountIs("AWS::SQS::Queue", 4);
    }

    @Test
    void everyQueueRefusesRequestsWithoutTls() {
        for (IConstruct queue : List.of(stack.queues.requests, stack.queues.responses,
                stack.queues.requestDeadLetters, stack.queues.responseDeadLetters)) {
            template.hasResourceProperties("AWS::SQS::QueuePolicy", Map.of(
                    "Queues", List.of(ref(queue)),
                    "PolicyDocument", Map.of("Statement", List.of(Match.objectEquals(Map.of(
                            "Sid", Match.absent(),
                            "Effect", "Deny",
                            "Principal", Map.of("AWS", "*"),
                            "Action", "sqs:*",
                            "Resource", arn(queue),
                            "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false"))))))));
        }
        template.resourceCountIs("AWS::SQS::QueuePolicy", 4);
    }

    // --- tables and bucket --------------------------------------------------------------------

    @Test
    void claimsTableIsOnDemandKeyedByBundleIdWithTtlAndPointInTimeRecovery() {
        Map<String, Object> claims = properties(stack.tables.claims);
        assertEquals("PAY_PER_REQUEST", claims.get("BillingMode"));
        assertEquals(List.of(Map.of("AttributeName", "bundleId", "KeyType", "HASH")), claims.get("KeySchema"));
        assertEquals(List.of(Map.of("AttributeName", "bundleId", "AttributeType", "S")), claims.get("AttributeDefinitions"));
        assertEquals(Map.of("AttributeName", "expiresAt", "Enabled", true), claims.get("TimeToLiveSpecification"));
        assertPointInTimeRecovery(claims);
    }

    @Test
    void jobsTableIsOnDemandKeyedByPkAndSkWithTtlAndPointInTimeRecovery() {
        Map<String, Object> jobs = properties(stack.tables.jobs);
        assertEquals("PAY_PER_REQUEST", jobs.get("BillingMode"));
        assertEquals(List.of(Map.of("AttributeName", "pk", "KeyType", "HASH"), Map.of("AttributeName", "sk", "KeyType", "RANGE")),
                jobs.get("KeySchema"));
        assertEquals(Map.of("AttributeName", "expiresAt", "Enabled", true), jobs.get("TimeToLiveSpecification"));
        assertPointInTimeRecovery(jobs);
    }

    @Test
    void jobsTableHasASparseIndexOfUnfinishedJobsHoldingOnlyWhatATakeoverNeeds() {
        Map<String, Object> jobs = properties(stack.tables.jobs);
        assertEquals(List.of(Map.of("IndexName", "unfinished",
                        "KeySchema", List.of(Map.of("AttributeName", "unfinished", "KeyType", "HASH")),
                        "Projection", Map.of("ProjectionType", "INCLUDE", "NonKeyAttributes", List.of("jobId", "ownerReplica", "epoch")))),
                jobs.get("GlobalSecondaryIndexes"));
        assertTrue(((List<?>) jobs.get("AttributeDefinitions")).contains(Map.of("AttributeName", "unfinished", "AttributeType", "S")));
    }

    @Test
    void thereAreExactlyTwoTables() {
        template.resourceCountIs("AWS::DynamoDB::Table", 2);
    }

    @Test
    void tablesAndBucketOutliveTheStack() {
        for (IConstruct data : List.of(stack.tables.claims, stack.tables.jobs, stack.storage.bucket)) {
            assertEquals("Retain", resource(data).get("DeletionPolicy"));
        }
    }

    @Test
    void bucketBlocksPublicAccessIsEncryptedAndExpiresOutputsAndPayloads() {
        template.hasResourceProperties("AWS::S3::Bucket", Map.of(
                "PublicAccessBlockConfiguration", Map.of("BlockPublicAcls", true, "BlockPublicPolicy", true,
                        "IgnorePublicAcls", true, "RestrictPublicBuckets", true),
                "BucketEncryption", Map.of("ServerSideEncryptionConfiguration",
                        List.of(Map.of("ServerSideEncryptionByDefault", Map.of("SSEAlgorithm", "AES256")))),
                "LifecycleConfiguration", Map.of("Rules", Match.arrayEquals(List.of(
                        Match.objectEquals(Map.of("Id", "ExpireOutputs", "Prefix", "outputs/",
                                "ExpirationInDays", 30, "Status", "Enabled")),
                        Match.objectEquals(Map.of("Id", "ExpireFiles", "Prefix", "files/",
                                "ExpirationInDays", 30, "Status", "Enabled")),
                        Match.objectEquals(Map.of("Id", "ExpirePayloads", "Prefix", "payloads/",
                                "ExpirationInDays", 30, "Status", "Enabled")),
                        Match.objectEquals(Map.of("Id", "ExpireWorkloads", "Prefix", "workloads/",
                                "ExpirationInDays", 30, "Status", "Enabled")),
                        Match.objectEquals(Map.of("Id", "AbortIncompleteUploads", "Status", "Enabled",
                                "AbortIncompleteMultipartUpload", Map.of("DaysAfterInitiation", 7))))))));
        template.resourceCountIs("AWS::S3::Bucket", 1);
    }

    @Test
    void aJobsObjectsExpireAfterTheRetentionGivenAsContext() {
        App app = new App(AppProps.builder().context(Map.of("allowedCidr", CIDR, "retentionDays", "7")).build());
        DroverStack short_ = new DroverStack(app, "Short", StackProps.builder().build(), DroverConfig.fromContext(app.getNode()));
        List<Object> rules = new java.util.ArrayList<>();
        for (String prefix : List.of("outputs/", "files/", "payloads/", "workloads/")) {
            rules.add(Match.objectLike(Map.of("Prefix", prefix, "ExpirationInDays", 7, "Status", "Enabled")));
        }
        Template.fromStack(short_).hasResourceProperties("AWS::S3::Bucket", Map.of(
                "LifecycleConfiguration", Map.of("Rules", Match.arrayWith(rules))));
    }

    @Test
    void bucketRefusesRequestsWithoutTls() {
        Object bucketArn = arn(stack.storage.bucket);
        template.hasResourceProperties("AWS::S3::BucketPolicy", Map.of(
                "Bucket", ref(stack.storage.bucket),
                "PolicyDocument", Map.of("Statement", List.of(Match.objectEquals(Map.of(
                        "Effect", "Deny",
                        "Principal", Map.of("AWS", "*"),
                        "Action", "s3:*",
                        "Resource", List.of(bucketArn, Map.of("Fn::Join", List.of("", List.of(bucketArn, "/*")))),
                        "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false"))))))));
    }

    // --- network, fleet, scheduler host -------------------------------------------------------

    @Test
    void vpcHasTwoPublicSubnetsAndNoNatGateway() {
        template.resourceCountIs("AWS::EC2::VPC", 1);
        template.resourceCountIs("AWS::EC2::Subnet", 2);
        template.allResourcesProperties("AWS::EC2::Subnet", Map.of("MapPublicIpOnLaunch", true));
        template.resourceCountIs("AWS::EC2::InternetGateway", 1);
        template.resourceCountIs("AWS::EC2::NatGateway", 0);
        template.resourceCountIs("AWS::EC2::EIP", 0);
    }

    @Test
    void workerSecurityGroupHasNoInboundRule() {
        Map<String, Object> group = properties(stack.fleet.securityGroup);
        assertNull(group.get("SecurityGroupIngress"), "worker security group must admit nothing");
        // Nor a rule attached from outside the group's own resource.
        template.findResources("AWS::EC2::SecurityGroupIngress").values().forEach(rule -> assertFalse(
                asMap(asMap(rule).get("Properties")).get("GroupId").toString().contains(id(stack.fleet.securityGroup)),
                "an ingress rule onto the workers: " + rule));
        assertEquals(List.of(Map.of("CidrIp", "0.0.0.0/0", "Description", "Allow all outbound traffic by default",
                "IpProtocol", "-1")), group.get("SecurityGroupEgress"));
    }

    @Test
    void onlyTheLoadBalancerFacesTheAllowedCidrAndItSendsOnlyToTheReplicasHttpsPort() {
        Map<String, Object> balancer = properties(stack.scheduler.loadBalancerSecurityGroup);
        assertEquals(List.of(Map.of("CidrIp", CIDR, "Description", "Drover scheduler HTTPS API from the allowed CIDR",
                        "FromPort", 8443, "ToPort", 8443, "IpProtocol", "tcp")),
                balancer.get("SecurityGroupIngress"));
        // No inline egress: CloudFormation drops the default allow-all once the rule below is added.
        assertNull(balancer.get("SecurityGroupEgress"));
        Object balancerGroup = Map.of("Fn::GetAtt", List.of(id(stack.scheduler.loadBalancerSecurityGroup), "GroupId"));
        Object replicaGroup = Map.of("Fn::GetAtt", List.of(id(stack.scheduler.securityGroup), "GroupId"));
        Map<String, Map<String, Object>> egress = template.findResources("AWS::EC2::SecurityGroupEgress");
        assertEquals(List.of(Map.of("GroupId", balancerGroup, "DestinationSecurityGroupId", replicaGroup,
                        "Description", "Drover scheduler HTTPS from the load balancer", "FromPort", 8443, "ToPort", 8443,
                        "IpProtocol", "tcp")),
                egress.values().stream().map(r -> asMap(r).get("Properties")).toList());
    }

    @Test
    void theReplicasAdmitOnlyTheLoadBalancerAndEachOtherOnTheHttpsPort() {
        Map<String, Object> replicas = properties(stack.scheduler.securityGroup);
        assertNull(replicas.get("SecurityGroupIngress"), "nothing from an address range: only the two groups below");
        Object balancerGroup = Map.of("Fn::GetAtt", List.of(id(stack.scheduler.loadBalancerSecurityGroup), "GroupId"));
        Object replicaGroup = Map.of("Fn::GetAtt", List.of(id(stack.scheduler.securityGroup), "GroupId"));
        Map<String, Map<String, Object>> ingress = template.findResources("AWS::EC2::SecurityGroupIngress");
        assertEquals(java.util.Set.of(
                        Map.of("GroupId", replicaGroup, "SourceSecurityGroupId", balancerGroup,
                                "Description", "Drover scheduler HTTPS from the load balancer",
                                "FromPort", 8443, "ToPort", 8443, "IpProtocol", "tcp"),
                        Map.of("GroupId", replicaGroup, "SourceSecurityGroupId", replicaGroup,
                                "Description", "Drover scheduler replica to replica",
                                "FromPort", 8443, "ToPort", 8443, "IpProtocol", "tcp")),
                java.util.Set.copyOf(ingress.values().stream().map(r -> asMap(r).get("Properties")).toList()));
        // Out to AWS's APIs (no NAT, no endpoints) and to the other replicas.
        assertEquals(List.of(Map.of("CidrIp", "0.0.0.0/0", "Description", "Allow all outbound traffic by default",
                "IpProtocol", "-1")), replicas.get("SecurityGroupEgress"));
    }

    @Test
    void nothingAnywhereIsOpenToTheWholeInternet() {
        TemplateJson.walk(json.get("Resources"), node -> {
            if (node.get("SecurityGroupIngress") instanceof List<?> rules) {
                rules.forEach(rule -> {
                    assertFalse("0.0.0.0/0".equals(asMap(rule).get("CidrIp")), "ingress from anywhere: " + rule);
                    assertFalse("::/0".equals(asMap(rule).get("CidrIpv6")), "ingress from anywhere: " + rule);
                });
            }
        });
    }

    @Test
    void launchTemplateTakesTheAmiFromContextAndTerminatesOnShutdown() {
        Map<String, Object> props = properties(stack.fleet.launchTemplate);
        assertEquals("Drover-workers", props.get("LaunchTemplateName"));
        Map<String, Object> data = asMap(props.get("LaunchTemplateData"));
        assertEquals(AMI, data.get("ImageId"));
        assertEquals("m6i.large", data.get("InstanceType"));
        assertEquals("terminate", data.get("InstanceInitiatedShutdownBehavior"));
        assertEquals(Map.of("HttpTokens", "required"), data.get("MetadataOptions"));
        assertEquals(List.of(Map.of("Fn::GetAtt", List.of(id(stack.fleet.securityGroup), "GroupId"))),
                data.get("SecurityGroupIds"));
        assertEquals(Map.of("Arn", arn(stack.fleet.instanceProfile)), data.get("IamInstanceProfile"));
        assertNull(data.get("KeyName"), "no SSH key: workers admit nothing");
        assertEquals(List.of(
                        Map.of("ResourceType", "instance", "Tags", List.of(Map.of("Key", "Name", "Value", "Drover-worker"))),
                        Map.of("ResourceType", "volume", "Tags", List.of(Map.of("Key", "Name", "Value", "Drover-worker")))),
                data.get("TagSpecifications"));
    }

    @Test
    void launchTemplateUserDataIsTheWorkerEnvFile() {
        Map<String, Object> data = asMap(properties(stack.fleet.launchTemplate).get("LaunchTemplateData"));
        assertEquals(String.join("\n",
                "DROVER_REQUEST_QUEUE_URL=${" + id(stack.queues.requests) + "}",
                "DROVER_RESPONSE_QUEUE_URL=${" + id(stack.queues.responses) + "}",
                "DROVER_DEAD_LETTER_QUEUE_URL=${" + id(stack.queues.requestDeadLetters) + "}",
                "DROVER_CLAIMS_TABLE=${" + id(stack.tables.claims) + "}",
                "DROVER_JOBS_TABLE=${" + id(stack.tables.jobs) + "}",
                "DROVER_BUCKET=${" + id(stack.storage.bucket) + "}",
                "AWS_REGION=${AWS::Region}",
                "DROVER_WORKER_THREADS=4",
                "DROVER_IDLE_TIMEOUT=90s",
                ""), render(data.get("UserData")));
    }

    @Test
    void workerInstanceProfileHoldsTheWorkerRole() {
        assertEquals(List.of(ref(stack.fleet.role)), properties(stack.fleet.instanceProfile).get("Roles"));
    }

    @Test
    void rolesAreForEc2OnlyAndCarryNoManagedPolicies() {
        template.resourceCountIs("AWS::IAM::Role", 2);
        template.allResourcesProperties("AWS::IAM::Role", Map.of(
                "AssumeRolePolicyDocument", Match.objectEquals(Map.of("Version", "2012-10-17",
                        "Statement", List.of(Map.of("Action", "sts:AssumeRole", "Effect", "Allow",
                                "Principal", Map.of("Service", "ec2.amazonaws.com"))))),
                "ManagedPolicyArns", Match.absent(),
                "Policies", Match.absent()));
        template.resourceCountIs("AWS::IAM::Policy", 2);
        template.resourceCountIs("AWS::IAM::ManagedPolicy", 0);
        template.resourceCountIs("AWS::Lambda::Function", 0);
    }

    @Test
    void theSchedulerIsAnAutoScalingGroupOfTwoReplicasAcrossBothAvailabilityZones() {
        Map<String, Object> group = properties(stack.scheduler.group);
        assertEquals("2", group.get("MinSize"));
        assertEquals("2", group.get("MaxSize"));
        assertNull(group.get("DesiredCapacity"), "min = max: the group keeps exactly that many");
        List<IConstruct> subnets = List.copyOf(stack.network.vpc.getPublicSubnets());
        assertEquals(subnets.stream().map(s -> (Object) ref(s)).toList(), group.get("VPCZoneIdentifier"));
        assertEquals(List.of(availabilityZone(0), availabilityZone(1)),
                subnets.stream().map(s -> properties(s).get("AvailabilityZone")).toList(), "one subnet in each of two zones");
        assertEquals(Map.of("LaunchTemplateId", ref(stack.scheduler.launchTemplate),
                        "Version", Map.of("Fn::GetAtt", List.of(id(stack.scheduler.launchTemplate), "LatestVersionNumber"))),
                group.get("LaunchTemplate"));
        // A replica whose API stops answering is replaced, not only a failed host; its successor rejoins by its user data.
        assertEquals("ELB", group.get("HealthCheckType"));
        assertEquals(180, group.get("HealthCheckGracePeriod"));
        assertEquals(List.of(ref(stack.scheduler.targetGroup)), group.get("TargetGroupARNs"));
        Map<String, Object> rolling = asMap(asMap(resource(stack.scheduler.group).get("UpdatePolicy")).get("AutoScalingRollingUpdate"));
        assertEquals(1, rolling.get("MaxBatchSize"));
        assertEquals(1, rolling.get("MinInstancesInService"), "an update replaces one replica at a time");
        template.resourceCountIs("AWS::AutoScaling::AutoScalingGroup", 1);
        template.resourceCountIs("AWS::EC2::Instance", 0);
    }

    /** No "ignoring egress rule", no "desiredCapacity resets the group on every deployment": nothing for a deployer to puzzle over. */
    @Test
    void theStackSynthesizesWithoutAWarning() {
        software.amazon.awscdk.assertions.Annotations.fromStack(stack).hasNoWarning("*", Match.anyValue());
    }

    @Test
    void theNumberOfReplicasComesFromContext() {
        App app = new App(AppProps.builder().context(Map.of("allowedCidr", CIDR, "schedulerReplicas", "3")).build());
        DroverStack three = new DroverStack(app, "Three", StackProps.builder().build(), DroverConfig.fromContext(app.getNode()));
        Template t = Template.fromStack(three);
        t.hasResourceProperties("AWS::AutoScaling::AutoScalingGroup", Map.of("MinSize", "3", "MaxSize", "3"));
        t.hasResource("AWS::AutoScaling::AutoScalingGroup", Map.of("UpdatePolicy", Map.of("AutoScalingRollingUpdate",
                Match.objectLike(Map.of("MaxBatchSize", 1, "MinInstancesInService", 2)))));
    }

    @Test
    void theReplicasRunTheImageWithImdsV2AndTheSchedulerRoleAndNoKey() {
        Map<String, Object> data = asMap(properties(stack.scheduler.launchTemplate).get("LaunchTemplateData"));
        assertEquals(AMI, data.get("ImageId"));
        assertEquals("t3.small", data.get("InstanceType"));
        assertEquals(Map.of("HttpTokens", "required"), data.get("MetadataOptions"));
        assertEquals(List.of(Map.of("Fn::GetAtt", List.of(id(stack.scheduler.securityGroup), "GroupId"))),
                data.get("SecurityGroupIds"));
        String profile = asList(asMap(asMap(data.get("IamInstanceProfile")).get("Arn")).get("Fn::GetAtt")).get(0).toString();
        assertEquals(List.of(ref(stack.scheduler.role)), properties(profile).get("Roles"));
        assertNull(data.get("KeyName"));
        assertNull(data.get("InstanceInitiatedShutdownBehavior"), "a replica is never powered off by itself");
    }

    @Test
    void theLoadBalancerPassesTcp8443ThroughToTheReplicasFromBothZones() {
        Map<String, Object> balancer = properties(stack.scheduler.loadBalancer);
        assertEquals("network", balancer.get("Type"));
        assertEquals("internet-facing", balancer.get("Scheme"));
        assertEquals(stack.network.vpc.getPublicSubnets().stream().map(s -> (Object) ref(s)).toList(), balancer.get("Subnets"));
        assertEquals(List.of(Map.of("Fn::GetAtt", List.of(id(stack.scheduler.loadBalancerSecurityGroup), "GroupId"))),
                balancer.get("SecurityGroups"));
        assertTrue(asList(balancer.get("LoadBalancerAttributes")).contains(
                Map.of("Key", "load_balancing.cross_zone.enabled", "Value", "true")));
        // TCP, not TLS: the balancer holds no certificate; TLS ends at the replica.
        assertEquals(Map.of("DefaultActions", List.of(Map.of("TargetGroupArn", ref(stack.scheduler.targetGroup), "Type", "forward")),
                "LoadBalancerArn", ref(stack.scheduler.loadBalancer), "Port", 8443, "Protocol", "TCP"),
                properties(stack.scheduler.listener));
        template.resourceCountIs("AWS::ElasticLoadBalancingV2::LoadBalancer", 1);
        template.resourceCountIs("AWS::ElasticLoadBalancingV2::Listener", 1);
    }

    @Test
    void theTargetGroupChecksTheApisHealthOverHttpsAndKeepsAClientOnOneReplica() {
        Map<String, Object> targets = properties(stack.scheduler.targetGroup);
        assertEquals("TCP", targets.get("Protocol"));
        assertEquals(8443, targets.get("Port"));
        assertEquals("instance", targets.get("TargetType"));
        assertEquals("HTTPS", targets.get("HealthCheckProtocol"));
        assertEquals("8443", targets.get("HealthCheckPort"));
        assertEquals("/health", targets.get("HealthCheckPath"));
        assertEquals(List.of(Map.of("Key", "deregistration_delay.timeout_seconds", "Value", "30"),
                Map.of("Key", "stickiness.enabled", "Value", "true"), Map.of("Key", "stickiness.type", "Value", "source_ip")),
                targets.get("TargetGroupAttributes"));
        template.resourceCountIs("AWS::ElasticLoadBalancingV2::TargetGroup", 1);
    }

    @Test
    void theReplicasUserDataWritesItsEnvFileWithTheirAddressAndStartsTheReplicaUnit() {
        String script = render(asMap(properties(stack.scheduler.launchTemplate).get("LaunchTemplateData")).get("UserData"));
        String subnets = stack.network.vpc.getPublicSubnets().stream().map(s -> "${" + id(s) + "}")
                .reduce((a, b) -> a + "," + b).orElseThrow();
        assertEquals(String.join("\n",
                "#!/bin/bash",
                "set -euo pipefail",
                "cat > /etc/drover/scheduler.env <<'DROVER_ENV'",
                "DROVER_REQUEST_QUEUE_URL=${" + id(stack.queues.requests) + "}",
                "DROVER_RESPONSE_QUEUE_URL=${" + id(stack.queues.responses) + "}",
                "DROVER_DEAD_LETTER_QUEUE_URL=${" + id(stack.queues.requestDeadLetters) + "}",
                "DROVER_CLAIMS_TABLE=${" + id(stack.tables.claims) + "}",
                "DROVER_JOBS_TABLE=${" + id(stack.tables.jobs) + "}",
                "DROVER_BUCKET=${" + id(stack.storage.bucket) + "}",
                "AWS_REGION=${AWS::Region}",
                "DROVER_LAUNCH_TEMPLATE=Drover-workers",
                "DROVER_SUBNET_IDS=" + subnets,
                "DROVER_MAX_WORKERS=7",
                "DROVER_WORKER_THREADS=4",
                "DROVER_IDLE_TIMEOUT=90s",
                "DROVER_ADMIN_TOKEN_PARAMETER=/drover/Drover/admin-token",
                "DROVER_TLS_FINGERPRINT_PARAMETER=/drover/Drover/tls-fingerprint",
                "DROVER_CLOUDWATCH_NAMESPACE=Drover",
                "DROVER_TLS_PARAMETER=/drover/Drover/tls",
                "DROVER_TLS_DNS_NAME=${" + id(stack.scheduler.loadBalancer) + ".DNSName}",
                "DROVER_REPLICA_LEASE=10s",
                "DROVER_ENV",
                "imds=(--silent --show-error --fail --retry 5 --retry-connrefused)",
                "imds_token=$(curl \"${imds[@]}\" -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60'"
                        + " http://169.254.169.254/latest/api/token)",
                "private_address=$(curl \"${imds[@]}\" -H \"X-aws-ec2-metadata-token: $imds_token\""
                        + " http://169.254.169.254/latest/meta-data/local-ipv4)",
                "echo \"DROVER_PRIVATE_ADDRESS=$private_address\" >> /etc/drover/scheduler.env",
                "systemctl disable drover-worker.service",
                "systemctl enable --now --no-block drover-scheduler.service"), script);
        // the unit (ami-build/drover-scheduler.service) runs: scheduler -rw --replica --replica-lease ${DROVER_REPLICA_LEASE}
    }

    // --- CloudWatch dashboard -----------------------------------------------------------------

    @Test
    void theDashboardGraphsTasksQueueFleetLatencyAndCostFromTheSchedulersNamespace() {
        template.resourceCountIs("AWS::CloudWatch::Dashboard", 1);
        Map<String, Object> props = properties(stack.dashboard.dashboard);
        assertEquals("Drover", props.get("DashboardName"));
        String body = render(props.get("DashboardBody"));
        Map<String, Object> parsed = TemplateJson.asMap(parse(body));
        List<Object> widgets = asList(parsed.get("widgets"));
        List<String> titles = widgets.stream().map(w -> asMap(asMap(w).get("properties")).get("title").toString()).toList();
        assertEquals(List.of("Tasks by status", "Request queue: bundles", "Fleet: workers", "Task latency (ms)",
                "Fleet cost so far (USD)", "Tasks finished per minute"), titles);
        for (String status : List.of("QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "CANCELLED")) {
            assertTrue(body.contains("[\"Drover\",\"drover.tasks\",\"status\",\"" + status + "\""), status + " in " + body);
        }
        for (String metric : List.of("\"drover.queue.messages\",\"state\",\"in_flight\"", "\"drover.fleet.workers\",\"state\",\"live\"",
                "\"drover.task.latency.avg\"", "\"drover.fleet.cost\"", "\"AWS/SQS\",\"ApproximateNumberOfMessagesVisible\"")) {
            assertTrue(body.contains(metric), metric + " in " + body);
        }
    }

    static Object parse(String json) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readValue(json, Object.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError("the dashboard body is JSON: " + json, e);
        }
    }

    // --- IAM: every statement, exactly -------------------------------------------------------

    @Test
    void workerPolicyIsExactlyTheseStatements() {
        assertPolicy(stack.fleet.role, List.of(
                statement("ConsumeRequests",
                        List.of("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"),
                        List.of(arn(stack.queues.requests)), null),
                statement("SendResponses", List.of("sqs:SendMessage"), List.of(arn(stack.queues.responses)), null),
                statement("WriteClaims", List.of("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"),
                        List.of(arn(stack.tables.claims)), null),
                statement("ReadPayloads", List.of("s3:GetObject"), List.of(objects("payloads/"), objects("files/")), null),
                statement("WriteOutputsAndPayloads", List.of("s3:PutObject"),
                        List.of(objects("outputs/"), objects("payloads/")), null)));
    }

    @Test
    void schedulerPolicyIsExactlyTheseStatements() {
        Object launchTemplateArn = resolve(stack.fleet.launchTemplateArn());
        List<Object> launchResources = new ArrayList<>(List.of(
                launchTemplateArn,
                ec2Arn("instance/*"), ec2Arn("volume/*"), ec2Arn("network-interface/*"),
                ec2Arn("security-group/", Map.of("Fn::GetAtt", List.of(id(stack.fleet.securityGroup), "GroupId"))),
                Map.of("Fn::Join", List.of("", List.of("arn:", Map.of("Ref", "AWS::Partition"), ":ec2:",
                        Map.of("Ref", "AWS::Region"), "::image/" + AMI)))));
        stack.network.vpc.getPublicSubnets().forEach(subnet -> launchResources.add(ec2Arn("subnet/", ref(subnet))));

        assertPolicy(stack.scheduler.role, List.of(
                statement("SendRequests", List.of("sqs:SendMessage", "sqs:GetQueueAttributes"),
                        List.of(arn(stack.queues.requests)), null),
                statement("ReceiveResponses",
                        List.of("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility",
                                "sqs:GetQueueAttributes"),
                        List.of(arn(stack.queues.responses), arn(stack.queues.requestDeadLetters)), null),
                statement("ReadWriteJobs",
                        List.of("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query",
                                "dynamodb:Scan", "dynamodb:BatchWriteItem", "dynamodb:PartiQLUpdate"),
                        List.of(arn(stack.tables.jobs)), null),
                statement("FindUnfinishedJobs", List.of("dynamodb:Scan"),
                        List.of(Map.of("Fn::Join", List.of("", List.of(arn(stack.tables.jobs), "/index/unfinished")))), null),
                statement("WriteClaims", List.of("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"),
                        List.of(arn(stack.tables.claims)), null),
                statement("WriteInputs", List.of("s3:PutObject", "s3:GetObject"),
                        List.of(objects("payloads/"), objects("workloads/"), objects("files/")), null),
                statement("ListBucket", List.of("s3:ListBucket"), List.of(arn(stack.storage.bucket)), null),
                statement("ReadOutputs", List.of("s3:GetObject"), List.of(objects("outputs/")), null),
                statement("RunWorkersFromLaunchTemplate", List.of("ec2:RunInstances"), launchResources,
                        Map.of("ArnLike", Map.of("ec2:LaunchTemplate", launchTemplateArn))),
                statement("TagWorkersAtLaunch", List.of("ec2:CreateTags"),
                        List.of(ec2Arn("instance/*"), ec2Arn("volume/*"), ec2Arn("network-interface/*")),
                        Map.of("StringEquals", Map.of("ec2:CreateAction", "RunInstances"))),
                statement("PassWorkerRole", List.of("iam:PassRole"), List.of(arn(stack.fleet.role)),
                        Map.of("StringEquals", Map.of("iam:PassedToService", "ec2.amazonaws.com"))),
                statement("PutDroverMetrics", List.of("cloudwatch:PutMetricData"), List.of("*"),
                        Map.of("StringEquals", Map.of("cloudwatch:namespace", "Drover"))),
                statement("CountWorkers", List.of("ec2:DescribeInstances"), List.of("*"), null),
                statement("HandOverTokenAndFingerprint", List.of("ssm:PutParameter"),
                        List.of(ssmArn("parameter/drover/Drover/admin-token"), ssmArn("parameter/drover/Drover/tls-fingerprint")),
                        null),
                statement("ShareTlsIdentity", List.of("ssm:GetParameter", "ssm:PutParameter"),
                        List.of(ssmArn("parameter/drover/Drover/tls")), null)));
    }

    @Test
    void onlyTheSchedulerRoleTouchesSsmAndItReadsOnlyTheTlsParameter() {
        List<Map<String, Object>> ssm = TemplateJson.statements(json).stream()
                .filter(st -> asList(st.get("Action")).stream().anyMatch(a -> a.toString().startsWith("ssm:")))
                .toList();
        assertEquals(List.of("HandOverTokenAndFingerprint", "ShareTlsIdentity"), ssm.stream().map(st -> st.get("Sid")).toList(),
                "only the scheduler's statements: " + ssm);
        List<Map<String, Object>> reads = ssm.stream()
                .filter(st -> asList(st.get("Action")).stream().anyMatch(a -> a.toString().startsWith("ssm:Get")))
                .toList();
        assertEquals(1, reads.size());
        assertEquals(List.of("ssm:GetParameter", "ssm:PutParameter"), reads.get(0).get("Action"), "GetParameter, not GetParameters*");
        assertEquals(ssmArn("parameter/drover/Drover/tls"), reads.get(0).get("Resource"), "exactly the one parameter");
        assertFalse(json.toString().contains("ssm:GetParametersByPath"));
        assertFalse(json.toString().contains("kms:"), "the default aws/ssm key: no KMS grant to anyone");
        // and the scheduler's is the one role that holds it
        template.hasResourceProperties("AWS::IAM::Policy", Map.of("Roles", List.of(ref(stack.scheduler.role)),
                "PolicyDocument", Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(Map.of("Sid", "ShareTlsIdentity")))))));
    }

    @Test
    void noPolicyAnywhereGrantsAWildcardActionOnAWildcardResource() {
        List<Map<String, Object>> statements = TemplateJson.statements(json);
        // 5 worker + 14 scheduler + 2 trust policies + 4 queue policies + 1 bucket policy: the walk saw them all.
        assertEquals(27, statements.size(), "policy statements found");
        for (Map<String, Object> statement : statements) {
            assertNull(TemplateJson.wildcardViolation(statement));
        }
    }

    @Test
    void theOnlyAllowsOnEveryResourceAreDescribeInstancesAndPutMetricDataInDroversNamespace() {
        List<Map<String, Object>> onStar = TemplateJson.statements(json).stream()
                .filter(s -> "Allow".equals(s.get("Effect")) && asList(s.get("Resource")).contains("*"))
                .toList();
        assertEquals(List.of("cloudwatch:PutMetricData", "ec2:DescribeInstances"), onStar.stream().map(s -> s.get("Action")).toList());
        // PutMetricData has no resource to name: only the namespace condition narrows it
        assertEquals(Map.of("StringEquals", Map.of("cloudwatch:namespace", "Drover")), onStar.get(0).get("Condition"));
    }

    @Test
    void theWildcardCheckCatchesWhatItMustCatch() {
        assertNotNull(TemplateJson.wildcardViolation(Map.of("Effect", "Allow", "Action", "*", "Resource", "*")));
        assertNotNull(TemplateJson.wildcardViolation(Map.of("Effect", "Allow", "Action", List.of("s3:GetObject", "ec2:*"),
                "Resource", List.of("arn:aws:s3:::b/*", "*"))));
        assertNotNull(TemplateJson.wildcardViolation(Map.of("Effect", "Allow", "Action", "*", "Resource", "arn:aws:s3:::b")));
        assertNotNull(TemplateJson.wildcardViolation(Map.of("Effect", "Allow", "NotAction", "iam:*", "Resource", "*")));
        assertNull(TemplateJson.wildcardViolation(Map.of("Effect", "Allow", "Action", "ec2:DescribeInstances", "Resource", "*")));
        assertNull(TemplateJson.wildcardViolation(Map.of("Effect", "Deny", "Action", "s3:*", "Resource", "arn:aws:s3:::b")));
    }

    // --- alarms and outputs -------------------------------------------------------------------

    @Test
    void alarmsWatchBothDeadLetterQueuesAndTheAgeOfTheOldestRequest() {
        template.resourceCountIs("AWS::CloudWatch::Alarm", 3);
        assertAlarm(stack.alarms.requestDeadLetters, stack.queues.requestDeadLetters, "ApproximateNumberOfMessagesVisible", 1);
        assertAlarm(stack.alarms.responseDeadLetters, stack.queues.responseDeadLetters, "ApproximateNumberOfMessagesVisible", 1);
        assertAlarm(stack.alarms.oldestRequest, stack.queues.requests, "ApproximateAgeOfOldestMessage", 1800);
    }

    @Test
    void outputsCarryEverythingTheCliNeedsUnderTheirExactNames() {
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("RequestQueueUrl", ref(stack.queues.requests));
        expected.put("ResponseQueueUrl", ref(stack.queues.responses));
        expected.put("DeadLetterQueueUrl", ref(stack.queues.requestDeadLetters));
        expected.put("ClaimsTable", ref(stack.tables.claims));
        expected.put("JobsTable", ref(stack.tables.jobs));
        expected.put("Bucket", ref(stack.storage.bucket));
        expected.put("LaunchTemplateName", "Drover-workers");
        expected.put("LaunchTemplateId", ref(stack.fleet.launchTemplate));
        expected.put("WorkerRoleArn", arn(stack.fleet.role));
        expected.put("WorkerInstanceProfileArn", arn(stack.fleet.instanceProfile));
        expected.put("WorkerSecurityGroupId", Map.of("Fn::GetAtt", List.of(id(stack.fleet.securityGroup), "GroupId")));
        expected.put("SubnetIds", Map.of("Fn::Join", List.of(",",
                stack.network.vpc.getPublicSubnets().stream().map(s -> (Object) ref(s)).toList())));
        expected.put("SchedulerUrl", Map.of("Fn::Join", List.of("", List.of("https://",
                Map.of("Fn::GetAtt", List.of(id(stack.scheduler.loadBalancer), "DNSName")), ":8443"))));
        expected.put("AdminTokenParameter", "/drover/Drover/admin-token");
        expected.put("TlsFingerprintParameter", "/drover/Drover/tls-fingerprint");
        expected.put("TlsParameter", "/drover/Drover/tls");
        expected.put("SchedulerGroupName", ref(stack.scheduler.group));
        expected.put("Region", Map.of("Ref", "AWS::Region"));

        expected.forEach((name, value) -> template.hasOutput(name, Map.of("Value", value)));
        assertEquals(expected.keySet(), asMap(json.get("Outputs")).keySet());
    }

    // --- helpers ------------------------------------------------------------------------------

    static void assertPolicy(Role role, List<Map<String, Object>> expected) {
        template.hasResourceProperties("AWS::IAM::Policy", Map.of(
                "Roles", List.of(ref(role)),
                "PolicyDocument", Match.objectEquals(Map.of("Version", "2012-10-17",
                        "Statement", Match.arrayEquals(expected.stream().map(Match::objectEquals).toList())))));
    }

    /** A statement as CloudFormation shows it: a single action or resource is a plain value, not a list. */
    static Map<String, Object> statement(String sid, List<String> actions, List<?> resources, Map<String, Object> condition) {
        Map<String, Object> statement = new LinkedHashMap<>();
        statement.put("Sid", sid);
        statement.put("Effect", "Allow");
        statement.put("Action", actions.size() == 1 ? actions.get(0) : actions);
        statement.put("Resource", resources.size() == 1 ? resources.get(0) : resources);
        if (condition != null) {
            statement.put("Condition", condition);
        }
        return statement;
    }

    static void assertAlarm(IConstruct alarm, IConstruct queue, String metric, int threshold) {
        Map<String, Object> props = properties(alarm);
        assertEquals("AWS/SQS", props.get("Namespace"));
        assertEquals(metric, props.get("MetricName"));
        assertEquals(List.of(Map.of("Name", "QueueName", "Value", Map.of("Fn::GetAtt", List.of(id(queue), "QueueName")))),
                props.get("Dimensions"));
        assertEquals("Maximum", props.get("Statistic"));
        assertEquals(threshold, props.get("Threshold"));
        assertEquals("GreaterThanOrEqualToThreshold", props.get("ComparisonOperator"));
        assertEquals("notBreaching", props.get("TreatMissingData"));
    }

    static void assertPointInTimeRecovery(Map<String, Object> table) {
        assertEquals(Map.of("PointInTimeRecoveryEnabled", true), table.get("PointInTimeRecoverySpecification"));
    }

    static Object objects(String prefix) {
        return Map.of("Fn::Join", List.of("", List.of(arn(stack.storage.bucket), "/" + prefix + "*")));
    }

    /** arn:PARTITION:ec2:REGION:ACCOUNT:<suffix>[<tail>], as Stack.formatArn renders it. */
    static Object ssmArn(String suffix) {
        return Map.of("Fn::Join", List.of("", List.of("arn:", Map.of("Ref", "AWS::Partition"), ":ssm:",
                Map.of("Ref", "AWS::Region"), ":", Map.of("Ref", "AWS::AccountId"), ":" + suffix)));
    }

    static Object ec2Arn(String suffix, Object... tail) {
        List<Object> parts = new ArrayList<>(List.of("arn:", Map.of("Ref", "AWS::Partition"), ":ec2:",
                Map.of("Ref", "AWS::Region"), ":", Map.of("Ref", "AWS::AccountId"), ":" + suffix));
        parts.addAll(List.of(tail));
        return Map.of("Fn::Join", List.of("", parts));
    }

    /** Fn::Select of the region's zones, as the VPC places its subnets. */
    static Object availabilityZone(int index) {
        return Map.of("Fn::Select", List.of(index, Map.of("Fn::GetAZs", "")));
    }

    static Object resolve(String value) {
        return stack.resolve(value);
    }

    static String id(IConstruct construct) {
        IConstruct resource = Objects.requireNonNullElse(construct.getNode().getDefaultChild(), construct);
        // Resolve the element's own logical id: it includes any override.
        return stack.resolve(((CfnElement) resource).getLogicalId()).toString();
    }

    static Map<String, Object> ref(IConstruct construct) {
        return Map.of("Ref", id(construct));
    }

    static Map<String, Object> arn(IConstruct construct) {
        return Map.of("Fn::GetAtt", List.of(id(construct), "Arn"));
    }

    static Map<String, Object> resource(IConstruct construct) {
        return asMap(asMap(json.get("Resources")).get(id(construct)));
    }

    static Map<String, Object> properties(IConstruct construct) {
        return properties(id(construct));
    }

    static Map<String, Object> properties(String logicalId) {
        Map<String, Object> resource = asMap(asMap(json.get("Resources")).get(logicalId));
        assertNotNull(resource, "no resource " + logicalId);
        return asMap(resource.get("Properties"));
    }
}
