package dev.drover.cli;

import dev.drover.aws.StackOutputs;
import dev.drover.core.EnvironmentVariables;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

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

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "Your API token (default: $DROVER_TOKEN, then ~/.drover/token).")
    Path tokenFile;

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    SchedulerClient client() throws IOException {
        String token = TokenFile.resolve(tokenFile, Main.environment(mixee));
        String target = stackOutputs == null ? address
                : StackOutputs.read(stackOutputs, Optional.ofNullable(stack)).schedulerAddress();
        return new SchedulerClient(target, token);
    }
}
