package dev.drover.cli;

import dev.drover.aws.StackOutputs;
import dev.drover.core.EnvironmentVariables;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Which scheduler a client command talks to: an address, or a deployed stack's outputs file. */
final class ServerOption {
    @Option(names = {"-s", "--scheduler"}, paramLabel = "HOST:PORT",
            defaultValue = "${env:" + EnvironmentVariables.SCHEDULER + ":-127.0.0.1:7070}",
            description = "The scheduler's address (default: $DROVER_SCHEDULER or ${DEFAULT-VALUE}).")
    String address;

    @Option(names = "--stack-outputs", paramLabel = "FILE",
            description = "Take the scheduler's address from a deployed stack's outputs (cdk deploy --outputs-file FILE).")
    Path stackOutputs;

    @Option(names = "--stack", paramLabel = "NAME", description = "Which stack of the outputs file (default: its only one).")
    String stack;

    SchedulerClient client() throws IOException {
        String target = stackOutputs == null ? address
                : StackOutputs.read(stackOutputs, Optional.ofNullable(stack)).schedulerAddress();
        return new SchedulerClient(target);
    }
}
