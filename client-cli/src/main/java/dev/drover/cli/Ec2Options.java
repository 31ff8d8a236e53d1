package dev.drover.cli;

import dev.drover.aws.DroverResources;
import dev.drover.aws.Ec2LaunchSpec;
import dev.drover.core.EnvironmentVariables;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** {@code drover scheduler}'s options for launching EC2 workers: the image, and where and how they run. */
final class Ec2Options {
    static final class Image {
        @Option(names = "--ami", paramLabel = "ID", description = "Launch EC2 workers from this AMI.")
        String ami;

        @Option(names = "--launch-template", paramLabel = "NAME", description = "Launch EC2 workers from this launch template.")
        String launchTemplate;
    }

    @ArgGroup(exclusive = true)
    Image image = new Image();

    @Option(names = "--instance-type", paramLabel = "TYPE", defaultValue = "c6i.large", description = "EC2 instance type (default ${DEFAULT-VALUE}).")
    String instanceType;

    @Option(names = "--instance-profile", paramLabel = "ARN", description = "Instance profile of the workers (with --ami).")
    String instanceProfile;

    @Option(names = "--subnets", paramLabel = "IDS", split = ",", description = "Subnets to launch in, in turn (default: $DROVER_SUBNET_IDS).")
    List<String> subnets;

    @Option(names = "--security-groups", paramLabel = "IDS", split = ",", description = "Security groups of the workers (with --ami).")
    List<String> securityGroups;

    @Option(names = "--spot", description = "Launch spot instances; workers hand their work back on an interruption notice.")
    boolean spot;

    /** How to launch a worker, or empty if neither an AMI nor a launch template is given (no EC2 fleet). */
    Optional<Ec2LaunchSpec> launchSpec(DroverResources names, FleetOptions fleet, String region, Map<String, String> env) {
        String template = image.launchTemplate != null ? image.launchTemplate : env.get(EnvironmentVariables.LAUNCH_TEMPLATE);
        if (image.ami == null && template == null) {
            return Optional.empty();
        }
        Map<String, String> workerEnv = Ec2LaunchSpec.workerEnvironment(names, fleet.threads, fleet.idle(), region);
        Ec2LaunchSpec spec = image.ami != null
                ? Ec2LaunchSpec.forAmi(image.ami, instanceType, "drover", workerEnv)
                : Ec2LaunchSpec.forLaunchTemplate(template, "drover", workerEnv);
        if (instanceProfile != null) {
            spec = spec.withInstanceProfile(instanceProfile);
        }
        List<String> subnetIds = subnets != null ? subnets
                : Optional.ofNullable(env.get(EnvironmentVariables.SUBNET_IDS)).map(s -> Arrays.asList(s.split(","))).orElse(List.of());
        if (!subnetIds.isEmpty()) {
            spec = spec.withSubnets(subnetIds);
        }
        if (securityGroups != null) {
            spec = spec.withSecurityGroups(securityGroups);
        }
        return Optional.of(spot ? spec.withSpot(Optional.empty()) : spec);
    }
}
