package dev.drover.infra;

import static dev.drover.infra.Fleet.allow;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;

/** The scheduler role's statements, each on named resources where the action allows it. */
final class SchedulerPolicy {
    private SchedulerPolicy() {}

    static List<PolicyStatement> statements(SchedulerReplicas.Props props, SchedulerParameters parameters, Stack stack) {
        List<PolicyStatement> statements = new ArrayList<>(work(props));
        // Write only, these two names only: the role cannot read the token back, and no other role of the
        // stack may read it. The default aws/ssm key encrypts it and needs no KMS grant to write.
        statements.add(allow("HandOverTokenAndFingerprint", List.of("ssm:PutParameter"),
                List.of(parameterArn(stack, parameters.adminToken()), parameterArn(stack, parameters.fingerprint()))));
        // The replicas' TLS identity: read by every start, created (without overwrite) by the first. The
        // aws/ssm key's own policy lets SSM decrypt it for principals of the account: no KMS grant either.
        statements.add(allow("ShareTlsIdentity", List.of("ssm:GetParameter", "ssm:PutParameter"),
                List.of(parameterArn(stack, parameters.tls()))));
        return statements;
    }

    private static List<PolicyStatement> work(SchedulerReplicas.Props props) {
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
                // BatchWriteItem: the retention sweeper deletes a job's items once it has expired;
                // PartiQLUpdate: an ended job's TTL goes on its items in batches of UPDATE statements
                allow("ReadWriteJobs",
                        List.of("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query",
                                "dynamodb:Scan", "dynamodb:BatchWriteItem", "dynamodb:PartiQLUpdate"),
                        List.of(props.tables().jobs.getTableArn())),
                // replicas find the jobs to take over in the jobs table's sparse index of unfinished jobs
                allow("FindUnfinishedJobs", List.of("dynamodb:Scan"), List.of(props.tables().unfinishedIndexArn())),
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

    private static String parameterArn(Stack stack, String name) {
        // a name that starts with "/" is joined to "parameter" without another slash
        return stack.formatArn(ArnComponents.builder().service("ssm").resource("parameter")
                .resourceName(name.substring(1)).arnFormat(ArnFormat.SLASH_RESOURCE_NAME).build());
    }

    private static String ec2Arn(SchedulerReplicas.Props props, String type, String name) {
        return Stack.of(props.vpc()).formatArn(ArnComponents.builder().service("ec2").resource(type)
                .resourceName(name).arnFormat(ArnFormat.SLASH_RESOURCE_NAME).build());
    }
}
