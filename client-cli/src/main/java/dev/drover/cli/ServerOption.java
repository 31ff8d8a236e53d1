package dev.drover.cli;

import dev.drover.aws.StackOutputs;
import dev.drover.core.EnvironmentVariables;
import dev.drover.scheduler.tls.Fingerprint;
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
            description = "The scheduler's address, or several replicas' HOST:PORT,HOST:PORT (a read goes to the next when"
                    + " one does not answer; default: $DROVER_SCHEDULER or ${DEFAULT-VALUE}).")
    String address;

    @Option(names = "--stack-outputs", paramLabel = "FILE",
            description = "Take the scheduler's address from a deployed stack's outputs (cdk deploy --outputs-file FILE).")
    Path stackOutputs;

    @Option(names = "--stack", paramLabel = "NAME", description = "Which stack of the outputs file (default: its only one).")
    String stack;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "Your API token (default: $DROVER_TOKEN, then the one kept for this scheduler in"
            + " ~/.drover/services/HOST_PORT/token, then ~/.drover/token).")
    Path tokenFile;

    /** The variable that pins the scheduler's certificate when --tls-fingerprint is not given. */
    static final String TLS_FINGERPRINT = EnvironmentVariables.TLS_FINGERPRINT;

    @Option(names = "--tls-fingerprint", paramLabel = "SHA256HEX",
            description = "Talk HTTPS and trust only the scheduler certificate with this SHA-256 (64 hex digits, colons allowed;"
            + " default: $" + EnvironmentVariables.TLS_FINGERPRINT + ", then the one kept for this scheduler in"
            + " ~/.drover/services/HOST_PORT/tls-fingerprint). Without it, https:// uses the JDK's trust store.")
    String tlsFingerprint;

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    SchedulerClient client() throws IOException {
        String target = stackOutputs == null ? address
                : StackOutputs.read(stackOutputs, Optional.ofNullable(stack)).schedulerAddress();
        ClientEnvironment env = Main.environment(mixee);
        // several replicas of one service share its token and certificate: the first address names where they are kept
        ServiceCredentials service = ServiceCredentials.of(env, target.split(",")[0].trim());
        String token = TokenFile.resolve(tokenFile, env, service);
        String pin = tlsFingerprint != null ? tlsFingerprint : env.variables().get(EnvironmentVariables.TLS_FINGERPRINT);
        if ((pin == null || pin.isBlank()) && !target.startsWith("http://")) {
            pin = service.fingerprint().orElse(null);
        }
        return new SchedulerClient(target, token,
                pin == null || pin.isBlank() ? Optional.empty() : Optional.of(Fingerprint.parse(pin)));
    }
}
