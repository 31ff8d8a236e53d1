package dev.drover.infra;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.services.autoscaling.AdditionalHealthCheckType;
import software.amazon.awscdk.services.autoscaling.AdditionalHealthChecksOptions;
import software.amazon.awscdk.services.autoscaling.AutoScalingGroup;
import software.amazon.awscdk.services.autoscaling.HealthChecks;
import software.amazon.awscdk.services.autoscaling.RollingUpdateOptions;
import software.amazon.awscdk.services.autoscaling.UpdatePolicy;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.InstanceType;
import software.amazon.awscdk.services.ec2.LaunchTemplate;
import software.amazon.awscdk.services.ec2.Peer;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.UserData;
import software.amazon.awscdk.services.elasticloadbalancingv2.BaseNetworkListenerProps;
import software.amazon.awscdk.services.elasticloadbalancingv2.HealthCheck;
import software.amazon.awscdk.services.elasticloadbalancingv2.NetworkListener;
import software.amazon.awscdk.services.elasticloadbalancingv2.NetworkLoadBalancer;
import software.amazon.awscdk.services.elasticloadbalancingv2.NetworkTargetGroup;
import software.amazon.awscdk.services.elasticloadbalancingv2.Protocol;
import software.amazon.awscdk.services.elasticloadbalancingv2.TargetType;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.constructs.Construct;

/**
 * The scheduler as {@code schedulerReplicas} replicas ({@code drover scheduler -rw --replica}) in an
 * Auto Scaling group over both Availability Zones, behind a Network Load Balancer that passes TCP on
 * {@value #PORT} straight through: TLS ends at the replicas, which share one key and certificate kept
 * in an SSM SecureString (the image's scheduler-tls.sh makes it at the first replica's start, names
 * the load balancer in it, and every later start reads it). Each instance's user data writes the env
 * file and enables the scheduler unit, so an instance the group replaces joins by itself. The
 * replicas listen on their private addresses, where the load balancer and the other replicas reach them.
 */
public final class SchedulerReplicas extends Construct {
    public static final int PORT = 8443;
    /** {@code --replica-lease}: the scheduler's deployed timing ({@code ReplicaTiming.DEPLOYED}: beats every 2 s, stops 3 s early). */
    public static final String REPLICA_LEASE = "10s";
    /** Long enough for a boot, the JVM's start and the SSM calls before the load balancer's check counts. */
    static final Duration HEALTH_CHECK_GRACE = Duration.minutes(3);

    public record Props(IVpc vpc, List<String> subnetIds, Queues queues, Tables tables, Storage storage,
            Fleet fleet, DroverConfig config) {}

    /** The replicas' group: admits the load balancer and the other replicas on {@value #PORT}. */
    public final SecurityGroup securityGroup;
    /** The load balancer's: admits the allowed CIDR on {@value #PORT}, sends only to the replicas. */
    public final SecurityGroup loadBalancerSecurityGroup;
    public final Role role;
    public final LaunchTemplate launchTemplate;
    public final AutoScalingGroup group;
    public final NetworkLoadBalancer loadBalancer;
    public final NetworkListener listener;
    public final NetworkTargetGroup targetGroup;
    public final SchedulerParameters parameters;

    public SchedulerReplicas(Construct scope, String id, Props props) {
        super(scope, id);
        String stackName = Stack.of(this).getStackName();
        DroverConfig config = props.config();
        parameters = new SchedulerParameters(stackName);
        SubnetSelection publicSubnets = SubnetSelection.builder().subnetType(SubnetType.PUBLIC).build();

        securityGroup = SecurityGroup.Builder.create(this, "ReplicaSecurityGroup")
                .vpc(props.vpc())
                .description("Drover scheduler replicas: HTTPS from the load balancer and from each other only")
                .allowAllOutbound(true)
                .build();
        loadBalancerSecurityGroup = SecurityGroup.Builder.create(this, "LoadBalancerSecurityGroup")
                .vpc(props.vpc())
                .description("Drover scheduler load balancer: HTTPS from the allowed CIDR, to the replicas only")
                .allowAllOutbound(false)
                .build();
        loadBalancerSecurityGroup.addIngressRule(Peer.ipv4(config.allowedCidr()), Port.tcp(PORT),
                "Drover scheduler HTTPS API from the allowed CIDR");
        // Client connections and the health checks; an egress rule on the balancer, an ingress on the replicas.
        loadBalancerSecurityGroup.getConnections().allowTo(securityGroup, Port.tcp(PORT),
                "Drover scheduler HTTPS from the load balancer");
        // A replica forwards a request to the job's owner at the address it registered.
        // (Ingress only: the replicas' outbound traffic is open already.)
        securityGroup.addIngressRule(securityGroup, Port.tcp(PORT), "Drover scheduler replica to replica");

        role = Role.Builder.create(this, "Role")
                .assumedBy(new ServicePrincipal("ec2.amazonaws.com"))
                .description("Drover scheduler: queue work, collect results, launch workers from the fleet's template")
                .build();
        SchedulerPolicy.statements(props, parameters, Stack.of(this)).forEach(role::addToPolicy);

        loadBalancer = NetworkLoadBalancer.Builder.create(this, "LoadBalancer")
                .vpc(props.vpc())
                .vpcSubnets(publicSubnets)
                .internetFacing(true)
                // A client that reaches either zone's address may be served by a replica in the other.
                .crossZoneEnabled(true)
                .securityGroups(List.of(loadBalancerSecurityGroup))
                .build();

        launchTemplate = LaunchTemplate.Builder.create(this, "LaunchTemplate")
                .launchTemplateName(stackName + "-scheduler")
                .machineImage(new WorkerImage(config.amiId()))
                .instanceType(new InstanceType(config.schedulerInstanceType()))
                .securityGroup(securityGroup)
                .role(role)
                .requireImdsv2(true)
                .userData(userData(props))
                .build();
        Tags.of(launchTemplate).add("Name", stackName + "-scheduler");

        int replicas = config.schedulerReplicas();
        group = AutoScalingGroup.Builder.create(this, "Replicas")
                .vpc(props.vpc())
                .vpcSubnets(publicSubnets)
                .launchTemplate(launchTemplate)
                // A fixed size: the desired count follows the minimum, and a deploy leaves a group scaled by hand alone.
                .minCapacity(replicas)
                .maxCapacity(replicas)
                // An instance whose scheduler stops answering is replaced, not only one whose host fails.
                .healthChecks(HealthChecks.withAdditionalChecks(AdditionalHealthChecksOptions.builder()
                        .additionalTypes(List.of(AdditionalHealthCheckType.ELB))
                        .gracePeriod(HEALTH_CHECK_GRACE)
                        .build()))
                // A new image or setting replaces one replica at a time; the others keep its jobs meanwhile.
                .updatePolicy(UpdatePolicy.rollingUpdate(RollingUpdateOptions.builder()
                        .maxBatchSize(1)
                        .minInstancesInService(replicas - 1)
                        .pauseTime(HEALTH_CHECK_GRACE)
                        .build()))
                .build();

        targetGroup = NetworkTargetGroup.Builder.create(this, "ReplicaTargets")
                .vpc(props.vpc())
                .port(PORT)
                .protocol(Protocol.TCP)
                .targetType(TargetType.INSTANCE)
                .targets(List.of(group))
                // The API itself, over TLS (the balancer does not check the certificate): a live port is not enough.
                .healthCheck(HealthCheck.builder()
                        .protocol(Protocol.HTTPS)
                        .port(String.valueOf(PORT))
                        .path("/health")
                        .interval(Duration.seconds(10))
                        .healthyThresholdCount(2)
                        .unhealthyThresholdCount(2)
                        .build())
                // Longer than the replica lease: a replica leaving hands its jobs over before its connections are cut.
                .deregistrationDelay(Duration.seconds(30))
                .build();
        // A client keeps to one replica while it is healthy: the one that accepted its jobs answers for
        // them from memory, and a follow stream resumes where it reconnects.
        targetGroup.setAttribute("stickiness.enabled", "true");
        targetGroup.setAttribute("stickiness.type", "source_ip");
        listener = loadBalancer.addListener("Api", BaseNetworkListenerProps.builder()
                .port(PORT)
                .protocol(Protocol.TCP)
                .defaultTargetGroups(List.of(targetGroup))
                .build());
    }

    /** What clients connect to: the load balancer. */
    public String url() {
        return "https://" + loadBalancer.getLoadBalancerDnsName() + ":" + PORT;
    }

    private UserData userData(Props props) {
        DroverConfig config = props.config();
        Map<String, String> env = DroverEnvironment.shared(props.queues(), props.tables(), props.storage());
        env.put("DROVER_LAUNCH_TEMPLATE", props.fleet().launchTemplateName);
        env.put("DROVER_SUBNET_IDS", Fn.join(",", props.subnetIds()));
        // the scheduler's fleet options default to these, and its launches pass threads and idle timeout
        // on to the workers, so the stack's -c maxWorkers, workerThreads and idleTimeout reach the fleet
        env.put("DROVER_MAX_WORKERS", String.valueOf(config.maxWorkers()));
        env.put("DROVER_WORKER_THREADS", String.valueOf(config.workerThreads()));
        env.put("DROVER_IDLE_TIMEOUT", config.idleTimeout());
        // the unit passes them as --admin-token-ssm and --fingerprint-ssm
        env.put("DROVER_ADMIN_TOKEN_PARAMETER", parameters.adminToken());
        env.put("DROVER_TLS_FINGERPRINT_PARAMETER", parameters.fingerprint());
        // the scheduler pushes its /metrics figures to CloudWatch under the namespace its role may write
        env.put("DROVER_CLOUDWATCH_NAMESPACE", DroverDashboard.NAMESPACE);
        // the unit's scheduler-tls.sh: the shared identity, and the name a first start's certificate carries
        env.put("DROVER_TLS_PARAMETER", parameters.tls());
        env.put("DROVER_TLS_DNS_NAME", loadBalancer.getLoadBalancerDnsName());
        env.put("DROVER_REPLICA_LEASE", REPLICA_LEASE);
        UserData userData = UserData.forLinux();
        userData.addCommands(
                "set -euo pipefail",
                "cat > /etc/drover/scheduler.env <<'DROVER_ENV'",
                DroverEnvironment.lines(env) + "DROVER_ENV",
                // The instance's private address (IMDSv2), where the balancer and the other replicas reach it.
                "imds=(--silent --show-error --fail --retry 5 --retry-connrefused)",
                "imds_token=$(curl \"${imds[@]}\" -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60'"
                        + " http://169.254.169.254/latest/api/token)",
                "private_address=$(curl \"${imds[@]}\" -H \"X-aws-ec2-metadata-token: $imds_token\""
                        + " http://169.254.169.254/latest/meta-data/local-ipv4)",
                "echo \"DROVER_PRIVATE_ADDRESS=$private_address\" >> /etc/drover/scheduler.env",
                // The image enables the worker unit; here it would only skip itself (its user data is this
                // script, not an env file), so switch it off outright.
                "systemctl disable drover-worker.service",
                "systemctl enable --now --no-block drover-scheduler.service");
        return userData;
    }
}
