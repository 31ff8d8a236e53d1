package dev.drover.infra;

import software.amazon.awscdk.services.ec2.IMachineImage;
import software.amazon.awscdk.services.ec2.MachineImageConfig;
import software.amazon.awscdk.services.ec2.OperatingSystemType;
import software.amazon.awscdk.services.ec2.UserData;
import software.constructs.Construct;

/**
 * The image ami-build made, by id. {@code MachineImage.genericLinux} would need the region at synth
 * time (or build a region map); an AMI id is already specific to the region it was built in.
 */
final class WorkerImage implements IMachineImage {
    private final String amiId;

    WorkerImage(String amiId) {
        this.amiId = amiId;
    }

    @Override
    public MachineImageConfig getImage(Construct scope) {
        return MachineImageConfig.builder()
                .imageId(amiId)
                .osType(OperatingSystemType.LINUX)
                .userData(UserData.forLinux())
                .build();
    }
}
