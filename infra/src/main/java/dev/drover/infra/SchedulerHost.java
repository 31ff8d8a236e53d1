package dev.drover.infra;

import static dev.drover.infra.Fleet.allow;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.ec2.HttpTokens;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.Instance;
import software.amazon.awscdk.services.ec2.InstanceType;
import software.amazon.awscdk.services.ec2.Peer;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.UserData;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.constructs.Construct;

/**
 * One EC2 instance from the worker image that runs {@code drover-scheduler.service} instead of the
 * worker: its user data writes the scheduler's env file and enables that unit. Its API serves HTTPS
 * only, on {@value #PORT}, reachable only from the CIDR the user gave, with a self-signed certificate
 * made at first boot; the unit hands the first admin's token to an SSM SecureString parameter and
 * the certificate's fingerprint to an SSM String parameter, both named in the stack's outputs.
 */
public final class SchedulerHost extends Construct {
    public static final int PORT = 8443;

    public record Props(IVpc vpc, List<String> subnetIds, Queues queues, Tables tables, Storage storage,
            Fleet fleet, DroverConfig config) {}

    public final SecurityGroup securityGroup;
    public final Role role;
    public final Instance instance;
    /** The SSM SecureString parameter a first start writes the admin's token to (the scheduler creates it: CloudFormation cannot make a SecureString). */
    public final String adminTokenParameter;
    /** The SSM String parameter that holds the certificate's SHA-256 fingerprint, for clients to pin. */
    public final String fingerprintParameter;

    public SchedulerHost(Construct scope, String id, Props props) {
        super(scope, id);
        String stackName = Stack.of(this).getStackName();
        adminTokenParameter = "/drover/" + stackName + "/admin-token";
        fingerprintParameter = "/drover/" + stackName + "/tls-fingerprint";
        securityGroup = SecurityGroup.Builder.create(this, "SchedulerSecurityGroup")
                .vpc(props.vpc())
                .description("Drover scheduler: HTTPS API from the allowed CIDR only")
                .allowAllOutbound(true)
                .build();
        securityGroup.addIngressRule(Peer.ipv4(props.config().allowedCidr()), Port.tcp(PORT),
                "Drover scheduler HTTPS API from the allowed CIDR");

        role = Role.Builder.create(this, "SchedulerRole")
                .assumedBy(new ServicePrincipal("ec2.amazonaws.com"))
                .description("Drover scheduler: queue work, collect results, launch workers from the fleet's template")
                .build();
        schedulerPolicy(props).forEach(role::addToPolicy);
        // Write only, these two names only: the role cannot read the token back, and no other role of the
        // stack may read it. The default aws/ssm key encrypts it and needs no KMS grant to write.
        role.addToPolicy(allow("HandOverTokenAndFingerprint", List.of("ssm:PutParameter"),
                List.of(parameterArn(adminTokenParameter), parameterArn(fingerprintParameter))));

        instance = Instance.Builder.create(this, "Scheduler")
                .instanceName(Stack.of(this).getStackName() + "-scheduler")
                .vpc(props.vpc())
                .vpcSubnets(SubnetSelection.builder().subnetType(SubnetType.PUBLIC).build())
                .instanceType(new InstanceType(props.config().schedulerInstanceType()))
                .machineImage(new WorkerImage(props.config().amiId()))
                .securityGroup(securityGroup)
                .role(role)
                .httpTokens(HttpTokens.REQUIRED)
                .userData(userData(props))
                // User data runs at first boot only: a changed configuration needs a new instance.
                .userDataCausesReplacement(true)
                .build();
    }

    public String url() {
        return "https://" + instance.getInstancePublicDnsName() + ":" + PORT;
    }

    private UserData userData(Props props) {
        Map<String, String> env = DroverEnvironment.shared(props.queues(), props.tables(), props.storage());
        env.put("DROVER_LAUNCH_TEMPLATE", props.fleet().launchTemplateName);
        env.put("DROVER_SUBNET_IDS", Fn.join(",", props.subnetIds()));
        // the scheduler's fleet options default to these, and its launches pass threads and idle timeout
        // on to the workers, so the stack's -c maxWorkers, workerThreads and idleTimeout reach the fleet
        env.put("DROVER_MAX_WORKERS", String.valueOf(props.config().maxWorkers()));
        env.put("DROVER_WORKER_THREADS", String.valueOf(props.config().workerThreads()));
        env.put("DROVER_IDLE_TIMEOUT", props.config().idleTimeout());
        // the unit passes them as --admin-token-ssm and --fingerprint-ssm
        env.put("DROVER_ADMIN_TOKEN_PARAMETER", adminTokenParameter);
        env.put("DROVER_TLS_FINGERPRINT_PARAMETER", fingerprintParameter);
        // the scheduler pushes its /metrics figures to CloudWatch under the namespace its role may write
        env.put("DROVER_CLOUDWATCH_NAMESPACE", DroverDashboard.NAMESPACE);
        UserData userData = UserData.forLinux();
        userData.addCommands(
                "set -euo pipefail",
                "cat > /etc/drover/scheduler.env <<'DROVER_ENV'",
                DroverEnvironment.lines(env) + "DROVER_ENV",
                // The image enables the worker unit; on this host it would only skip itself (its user data
                // is this script, not an env file), so switch it off outright.
                "systemctl disable drover-worker.service",
                "systemctl enable --now --no-block drover-scheduler.service");
        return userData;
    }

    private static List<PolicyStatement> schedulerPolicy(Props props) {
        Queues queues = props.queues();
        Storage storage = props.storage();
        Fleet fleet = props.fleet();
        String launchTemplateArn = fleet.launchTemplateArn();
        List<String> launchResources = new ArrayList<>(List.of(
                launchTemplateArn,
                ec2Arn(props, "instance", "*"),
                ec2Arn(props, "volume", "*"),
                ec2Arn(props, "network-interface", "*"),
                ec2Arn(props, "security-group", fleet.securityGroup.getSecurityGroupId()),
                // Public and shared images have no account in their ARN.
                Stack.of(props.vpc()).formatArn(ArnComponents.builder().service("ec2").account("")
                        .resource("image").resourceName(props.config().amiId()).build())));
        props.subnetIds().forEach(subnet -> launchResources.add(ec2Arn(props, "subnet", subnet)));

        return List.of(
                allow("SendRequests", List.of("sqs:SendMessage", "sqs:GetQueueAttributes"),
                        List.of(queues.requests.getQueueArn())),
                // Results, and the dead-lettered bundles whose tasks the scheduler reports FAILED.
                allow("ReceiveResponses",
                        List.of("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility",
                                "sqs:GetQueueAttributes"),
                        List.of(queues.responses.getQueueArn(), queues.requestDeadLetters.getQueueArn())),
                // BatchWriteItem: the retention sweeper deletes a job's items once it has expired
                allow("ReadWriteJobs",
                        List.of("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query",
                                "dynamodb:Scan", "dynamodb:BatchWriteItem"),
                        List.of(props.tables().jobs.getTableArn())),
                // Cancelling a job is a record in the claims table that workers check.
                allow("WriteClaims", List.of("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"),
                        List.of(props.tables().claims.getTableArn())),
                // files/: HeadObject (is the pack there?), PutObject, and a copy onto itself that renews its age
                allow("WriteInputs", List.of("s3:PutObject", "s3:GetObject"),
                        List.of(storage.objects(Storage.PAYLOADS), storage.objects(Storage.WORKLOADS),
                                storage.objects(Storage.FILES))),
                // without it, a HeadObject of a pack not there yet is a 403, not the 404 that means "upload it"
                allow("ListBucket", List.of("s3:ListBucket"), List.of(storage.bucket.getBucketArn())),
                allow("ReadOutputs", List.of("s3:GetObject"), List.of(storage.objects(Storage.OUTPUTS))),
                // Every resource RunInstances touches must come through the fleet's launch template.
                PolicyStatement.Builder.create().sid("RunWorkersFromLaunchTemplate").effect(Effect.ALLOW)
                        .actions(List.of("ec2:RunInstances"))
                        .resources(launchResources)
                        .conditions(Map.of("ArnLike", Map.of("ec2:LaunchTemplate", launchTemplateArn)))
                        .build(),
                PolicyStatement.Builder.create().sid("TagWorkersAtLaunch").effect(Effect.ALLOW)
                        .actions(List.of("ec2:CreateTags"))
                        .resources(List.of(ec2Arn(props, "instance", "*"), ec2Arn(props, "volume", "*"),
                                ec2Arn(props, "network-interface", "*")))
                        .conditions(Map.of("StringEquals", Map.of("ec2:CreateAction", "RunInstances")))
                        .build(),
                PolicyStatement.Builder.create().sid("PassWorkerRole").effect(Effect.ALLOW)
                        .actions(List.of("iam:PassRole"))
                        .resources(List.of(fleet.role.getRoleArn()))
                        .conditions(Map.of("StringEquals", Map.of("iam:PassedToService", "ec2.amazonaws.com")))
                        .build(),
                // PutMetricData has no resources: the namespace condition keeps the role to Drover's own metrics.
                PolicyStatement.Builder.create().sid("PutDroverMetrics").effect(Effect.ALLOW)
                        .actions(List.of("cloudwatch:PutMetricData"))
                        .resources(List.of("*"))
                        .conditions(Map.of("StringEquals", Map.of("cloudwatch:namespace", DroverDashboard.NAMESPACE)))
                        .build(),
                // EC2's Describe calls support no resource-level permissions: one read-only action on "*".
                allow("CountWorkers", List.of("ec2:DescribeInstances"), List.of("*")));
    }

    private String parameterArn(String name) {
        // a name that starts with "/" is joined to "parameter" without another slash
        return Stack.of(this).formatArn(ArnComponents.builder().service("ssm").resource("parameter")
                .resourceName(name.substring(1)).arnFormat(ArnFormat.SLASH_RESOURCE_NAME).build());
    }

    private static String ec2Arn(Props props, String type, String name) {
        return Stack.of(props.vpc()).formatArn(ArnComponents.builder().service("ec2").resource(type)
                .resourceName(name).arnFormat(ArnFormat.SLASH_RESOURCE_NAME).build());
    }
}
