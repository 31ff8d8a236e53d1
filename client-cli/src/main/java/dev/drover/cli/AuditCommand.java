package dev.drover.cli;

import dev.drover.core.files.FilesPack;
import dev.drover.scheduler.tls.Fingerprint;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import java.io.IOException;

@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Try known attacks against a running scheduler and report PASS or FAIL for each: slow connections"
                + " (many connections that stall mid-request or mid-handshake; /health must still answer, and the server must"
                + " close them; needs no token), and, with your token, a files pack whose symlink chain and hard link reach"
                + " outside it (PUT /files must refuse it with a 4xx naming the entry; without a token it is SKIPPED)."
                + " Exit 0 when every check run passed, 1 otherwise.")
final class AuditCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-s", "--scheduler"}, paramLabel = "URL", required = true,
            description = "The scheduler: http://HOST:PORT, or https://HOST:PORT with --tls-fingerprint.")
    String scheduler;

    @Option(names = "--tls-fingerprint", paramLabel = "SHA256HEX", description = "Trust only the scheduler certificate with this SHA-256.")
    String tlsFingerprint;

    @Option(names = "--connections", paramLabel = "N", defaultValue = "60", description = "Stalled connections to open (default: ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--within", paramLabel = "SECONDS", defaultValue = "3",
            description = "How fast /health must answer meanwhile (default: ${DEFAULT-VALUE}).")
    int within;

    @Option(names = "--hold", paramLabel = "SECONDS", defaultValue = "10",
            description = "How long the server may keep the stalled connections open (default: ${DEFAULT-VALUE}).")
    int hold;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "Your API token, for the files attack (default: $DROVER_TOKEN, then the one kept for this scheduler in"
                    + " ~/.drover/services/HOST_PORT/token, then ~/.drover/token).")
    Path tokenFile;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Optional<Fingerprint> pin = Optional.ofNullable(tlsFingerprint).map(Fingerprint::parse);
        String address = scheduler.startsWith("http") ? scheduler : (pin.isPresent() ? "https://" : "http://") + scheduler;
        URI base = URI.create(address);
        if (connections < 1 || within < 1 || hold < 1 || base.getHost() == null) {
            spec.commandLine().getErr().println("drover audit: --connections, --within and --hold are 1 or more; -s is http(s)://HOST:PORT");
            return 2;
        }
        SlowConnectionsAttack.Result r = SlowConnectionsAttack.run(base, pin, connections, Duration.ofSeconds(within),
                Duration.ofSeconds(hold));
        out.println(r.line());
        boolean held = r.held();
        Optional<String> token = token(address);
        if (token.isEmpty()) {
            out.println("files pack escape: SKIPPED (no token: give --token-file FILE or set DROVER_TOKEN)");
        } else {
            Path scratch = Files.createTempDirectory("drover-audit-");
            try {
                FilesEscapeAttack.Result f = FilesEscapeAttack.run(new SchedulerClient(address, token.get(), pin), scratch);
                out.println(f.line());
                held &= f.held();
            } finally {
                FilesPack.deleteTree(scratch);
            }
        }
        return held ? 0 : 1;
    }

    /** The user's token, found as every client command finds it; empty if there is none. */
    private Optional<String> token(String address) throws IOException {
        ClientEnvironment env = Main.environment(spec);
        try {
            return Optional.of(TokenFile.resolve(tokenFile, env, ServiceCredentials.of(env, address)));
        } catch (TokenFile.Missing e) {
            return Optional.empty();
        }
    }
}
