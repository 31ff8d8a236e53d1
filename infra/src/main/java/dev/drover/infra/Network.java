package dev.drover.infra;

import java.util.List;
import software.amazon.awscdk.services.ec2.IpAddresses;
import software.amazon.awscdk.services.ec2.SubnetConfiguration;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.Vpc;
import software.constructs.Construct;

/**
 * A small VPC of its own (rather than a lookup of the default VPC, so synth needs no account):
 * two public subnets and no NAT gateway, which would cost money every hour even when idle.
 * Instances reach SQS, DynamoDB and S3 through their public addresses; security groups admit nothing
 * unasked for.
 */
public final class Network extends Construct {
    public final Vpc vpc;

    public Network(Construct scope, String id) {
        super(scope, id);
        vpc = Vpc.Builder.create(this, "Vpc")
                .ipAddresses(IpAddresses.cidr("10.42.0.0/16"))
                .maxAzs(2)
                .natGateways(0)
                .subnetConfiguration(List.of(SubnetConfiguration.builder()
                        .name("public")
                        .subnetType(SubnetType.PUBLIC)
                        .cidrMask(20)
                        .mapPublicIpOnLaunch(true)
                        .build()))
                // The default security group is never used; restricting it would add a custom-resource Lambda.
                .restrictDefaultSecurityGroup(false)
                .build();
    }

    public List<String> subnetIds() {
        return vpc.getPublicSubnets().stream().map(subnet -> subnet.getSubnetId()).toList();
    }
}
