package dev.drover.infra;

import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.constructs.Construct;

/**
 * Everything Drover runs on in one account and region. The outputs are the names the CLI reads
 * with {@code drover --stack NAME} (CloudFormation DescribeStacks): keep them stable.
 */
public final class DroverStack extends Stack {
    public final Queues queues;
    public final Tables tables;
    public final Storage storage;
    public final Network network;
    public final Fleet fleet;
    public final SchedulerReplicas scheduler;
    public final Alarms alarms;
    public final DroverDashboard dashboard;

    public DroverStack(Construct scope, String id, StackProps props, DroverConfig config) {
        super(scope, id, props);
        if (config.placeholderAmi()) {
            Annotations.of(this).addWarningV2("drover:placeholderAmi", "No -c amiId=...: using the placeholder "
                    + DroverConfig.PLACEHOLDER_AMI + ", which is fine for synth but cannot be deployed");
        }
        queues = new Queues(this, "Queues");
        tables = new Tables(this, "Tables");
        storage = new Storage(this, "Storage", config.retentionDays());
        network = new Network(this, "Network");
        fleet = new Fleet(this, "Fleet", new Fleet.Props(network.vpc, queues, tables, storage, config));
        scheduler = new SchedulerReplicas(this, "Scheduler", new SchedulerReplicas.Props(
                network.vpc, network.subnetIds(), queues, tables, storage, fleet, config));
        alarms = new Alarms(this, "Alarms", queues);
        dashboard = new DroverDashboard(this, "Dashboard", queues);

        output("RequestQueueUrl", queues.requests.getQueueUrl());
        output("ResponseQueueUrl", queues.responses.getQueueUrl());
        output("DeadLetterQueueUrl", queues.requestDeadLetters.getQueueUrl());
        output("ClaimsTable", tables.claims.getTableName());
        output("JobsTable", tables.jobs.getTableName());
        output("Bucket", storage.bucket.getBucketName());
        output("LaunchTemplateName", fleet.launchTemplateName);
        output("LaunchTemplateId", fleet.launchTemplate.getLaunchTemplateId());
        output("WorkerRoleArn", fleet.role.getRoleArn());
        output("WorkerInstanceProfileArn", fleet.instanceProfile.getInstanceProfileArn());
        output("WorkerSecurityGroupId", fleet.securityGroup.getSecurityGroupId());
        output("SubnetIds", Fn.join(",", network.subnetIds()));
        output("SchedulerUrl", scheduler.url());
        // Read with: aws ssm get-parameter --name NAME [--with-decryption]; the fingerprint is what clients pin.
        output("AdminTokenParameter", scheduler.parameters.adminToken());
        output("TlsFingerprintParameter", scheduler.parameters.fingerprint());
        // Not read by the CLI: the replicas' shared key and certificate (delete it with the stack: docs/deploy.md),
        // and the group to scale to 0 and back (docs/deploy.md).
        output("TlsParameter", scheduler.parameters.tls());
        output("SchedulerGroupName", scheduler.group.getAutoScalingGroupName());
        output("Region", Aws.REGION);
    }

    // Created on the stack itself so each output's logical id is exactly its name.
    private void output(String name, String value) {
        CfnOutput.Builder.create(this, name).value(value).build();
    }
}
