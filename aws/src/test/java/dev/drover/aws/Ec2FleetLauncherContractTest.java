package dev.drover.aws;

import dev.drover.core.contract.FleetLauncherContract;
import dev.drover.core.port.FleetLauncher;
import java.time.Clock;
import java.time.Duration;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;

/**
 * {@link Ec2FleetLauncher} through the fleet launcher contract, on the EC2 stand-in of
 * {@link Ec2FleetLauncherTest} (RunInstances and DescribeInstances as EC2 answers them; no moto here).
 */
class Ec2FleetLauncherContractTest extends FleetLauncherContract {
    private final Ec2FleetLauncherTest.FakeEc2 ec2 = new Ec2FleetLauncherTest.FakeEc2();

    @Override
    protected FleetLauncher newLauncher() {
        // Listing on every call (no refresh interval), so a stop shows at the next members().
        return new Ec2FleetLauncher(ec2, Ec2FleetLauncherTest.ami(), 10, Clock.systemUTC(), Duration.ZERO);
    }

    /** The worker powered off when idle, and the shutdown behaviour terminated the instance. */
    @Override
    protected void stop(FleetLauncher launcher, String id) {
        ec2.setState(id, InstanceStateName.SHUTTING_DOWN);
    }
}
