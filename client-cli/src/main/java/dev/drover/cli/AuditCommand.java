package dev.drover.cli;

import dev.drover.scheduler.tls.Fingerprint;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Try known attacks against a running scheduler and report PASS or FAIL for each. Needs no token."
                + " Now: slow connections (many connections that stall mid-request or mid-handshake; /health must still"
                + " answer, and the server must close them). Exit 0 when every check passed, 1 otherwise.")
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
        return r.held() ? 0 : 1;
    }
}
