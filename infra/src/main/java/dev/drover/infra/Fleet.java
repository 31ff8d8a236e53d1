package dev.drover.infra;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.InstanceInitiatedShutdownBehavior;
import software.amazon.awscdk.services.ec2.InstanceType;
import software.amazon.awscdk.services.ec2.LaunchTemplate;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.UserData;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.InstanceProfile;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.constructs.Construct;

/**
 * The worker fleet as the scheduler launches it: a security group, a role with only what a worker
 * does, and a launch template whose user data is the worker's env file.
 */
public final class Fleet extends Construct {
    public record Props(IVpc vpc, Queues queues, Tables tables, Storage storage, DroverConfig config) {}

    public final SecurityGroup securityGroup;
    public final Role role;
    public final InstanceProfile instanceProfile;
    public final LaunchTemplate launchTemplate;
    /** Kept here: the construct reports a name or an id, never both, and CloudFormation cannot return the name. */
    public final String launchTemplateName;

    public Fleet(Construct scope, String id, Props props) {
        super(scope, id);
        // Workers only call out (SQS, DynamoDB, S3, IMDS): no inbound rule at all, not even SSH.
        securityGroup = SecurityGroup.Builder.create(this, "WorkerSecurityGroup")
                .vpc(props.vpc())
                .description("Drover workers: no inbound traffic; outbound to AWS APIs and whatever tasks fetch")
                .allowAllOutbound(true)
                .build();

        role = Role.Builder.create(this, "WorkerRole")
                .assumedBy(new ServicePrincipal("ec2.amazonaws.com"))
                .description("Drover worker: consume requests, send responses, write claims, read payloads and write outputs")
                .build();
        workerPolicy(props).forEach(role::addToPolicy);
        instanceProfile = InstanceProfile.Builder.create(this, "WorkerInstanceProfile").role(role).build();

        Map<String, String> env = DroverEnvironment.shared(props.queues(), props.tables(), props.storage());
        env.put("DROVER_WORKER_THREADS", String.valueOf(props.config().workerThreads()));
        env.put("DROVER_IDLE_TIMEOUT", props.config().idleTimeout());

        // Named after the stack, so that stacks can coexist in one region.
        launchTemplateName = Stack.of(this).getStackName() + "-workers";
        launchTemplate = LaunchTemplate.Builder.create(this, "WorkerLaunchTemplate")
                .launchTemplateName(launchTemplateName)
                .machineImage(new WorkerImage(props.config().amiId()))
                .instanceType(new InstanceType(props.config().instanceType()))
                .securityGroup(securityGroup)
                .instanceProfile(instanceProfile)
                // The worker powers the instance off when idle: that must end the bill, not just stop it.
                .instanceInitiatedShutdownBehavior(InstanceInitiatedShutdownBehavior.TERMINATE)
                .requireImdsv2(true)
                // Not a script: the worker unit's fetch-config.sh reads these KEY=VALUE lines.
                .userData(UserData.custom(DroverEnvironment.lines(env)))
                .build();
        // Tags on a launch template also go on its instances and volumes (which is why the scheduler
        // may ec2:CreateTags at launch).
        Tags.of(launchTemplate).add("Name", Stack.of(this).getStackName() + "-worker");
    }

    /** ARN of the launch template, for the scheduler's "launch only from this template" condition. */
    public String launchTemplateArn() {
        return Stack.of(this).formatArn(ArnComponents.builder()
                .service("ec2").resource("launch-template").resourceName(launchTemplate.getLaunchTemplateId()).build());
    }

    private static List<PolicyStatement> workerPolicy(Props props) {
        Queues queues = props.queues();
        Storage storage = props.storage();
        return List.of(
                allow("ConsumeRequests",
                        List.of("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"),
                        List.of(queues.requests.getQueueArn())),
                allow("SendResponses", List.of("sqs:SendMessage"), List.of(queues.responses.getQueueArn())),
                // Claim = conditional put; heartbeat and done = update; a successor reads what was reported.
                allow("WriteClaims", List.of("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"),
                        List.of(props.tables().claims.getTableArn())),
                // Bodies too big for a message travel through payloads/, in both directions.
                // ... and so do a job's files packs, which each worker fetches once.
                allow("ReadPayloads", List.of("s3:GetObject"),
                        List.of(storage.objects(Storage.PAYLOADS), storage.objects(Storage.FILES))),
                allow("WriteOutputsAndPayloads", List.of("s3:PutObject"),
                        List.of(storage.objects(Storage.OUTPUTS), storage.objects(Storage.PAYLOADS))));
    }

    static PolicyStatement allow(String sid, List<String> actions, List<String> resources) {
        return PolicyStatement.Builder.create()
                .sid(sid).effect(Effect.ALLOW).actions(actions).resources(resources).build();
    }
}
