package dev.drover.cli;

import dev.drover.aws.AwsSettings;
import dev.drover.scheduler.secrets.FileTokenSink;
import dev.drover.aws.SsmParameters;
import dev.drover.scheduler.secrets.SsmTokenSink;
import dev.drover.scheduler.tls.PemFiles;
import dev.drover.scheduler.tls.SelfSigned;
import dev.drover.scheduler.tls.Transport;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * {@code drover scheduler}'s HTTPS and hand-over options: the certificate it serves (a real one, or a
 * self-signed one kept in a directory), and where a first start puts the admin token and the
 * certificate's fingerprint (files, or SSM parameters on the deployed stack).
 */
final class TlsOptions {
    private static final Logger log = LoggerFactory.getLogger(TlsOptions.class);

    @Option(names = "--tls-cert", paramLabel = "FILE", description = "Serve HTTPS with this PEM certificate (chain, leaf first); needs --tls-key.")
    Path certificate;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "The certificate's private key, PEM: PKCS#8, RSA or EC, unencrypted.")
    Path key;

    @Option(names = "--tls-self-signed", paramLabel = "DIR",
            description = "Serve HTTPS with a self-signed certificate kept in DIR: made at first start (key mode 0600), reused after;"
            + " its SHA-256 fingerprint is printed and written to DIR/" + SelfSigned.FINGERPRINT_FILE + ".")
    Path selfSigned;

    @Option(names = "--admin-token-ssm", paramLabel = "NAME",
            description = "A first start writes the admin's token to this SSM SecureString parameter (never overwritten) instead of a file.")
    String adminTokenParameter;

    @Option(names = "--fingerprint-ssm", paramLabel = "NAME",
            description = "Write the certificate's SHA-256 fingerprint to this SSM String parameter at every start.")
    String fingerprintParameter;

    /** Checks the options and loads or makes the certificate; prints its fingerprint. */
    Transport transport(String bind, Clock clock, PrintWriter out) {
        if ((certificate == null) != (key == null)) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together");
        }
        if (certificate != null && selfSigned != null) {
            throw new IllegalArgumentException("--tls-self-signed or --tls-cert/--tls-key, not both");
        }
        if (fingerprintParameter != null && certificate == null && selfSigned == null) {
            throw new IllegalArgumentException("--fingerprint-ssm needs HTTPS: --tls-self-signed DIR or --tls-cert/--tls-key");
        }
        Transport transport;
        try {
            if (certificate != null) {
                transport = Transport.tls(PemFiles.load(certificate, key));
            } else if (selfSigned != null) {
                SelfSigned.Loaded loaded = SelfSigned.loadOrCreate(selfSigned, clock);
                out.printf("tls: %s self-signed certificate %s%n", loaded.created() ? "made a" : "reusing the", loaded.certificateFile());
                transport = Transport.tls(loaded.identity());
            } else {
                if (!isLoopback(bind)) {
                    log.warn("serving plain HTTP on {}, which is not loopback: tokens cross the network in the clear;"
                            + " use --tls-self-signed DIR or --tls-cert/--tls-key", bind);
                }
                return Transport.plain();
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the TLS files: " + e.getMessage(), e);
        }
        transport.fingerprint().ifPresent(f -> {
            out.printf("tls: certificate SHA-256 fingerprint %s (clients: --tls-fingerprint %s)%n", f, f);
            log.info("serving HTTPS; certificate SHA-256 fingerprint {}", f);
        });
        return transport;
    }

    /** Publishes the fingerprint when asked to; call once the transport is made. */
    void publish(Transport transport, Map<String, String> env) throws IOException {
        if (fingerprintParameter != null && transport.fingerprint().isPresent()) {
            withSsm(env, ssm -> {
                ssm.putString(fingerprintParameter, transport.fingerprint().get().hex());
                return null;
            });
        }
    }

    /** Whether a first start puts the admin's token in SSM. */
    boolean storesInSsm() {
        return adminTokenParameter != null;
    }

    /** Where a first start puts the admin's token: the SSM parameter if named, else the file. */
    String storeAdminToken(String token, Path file, Map<String, String> env) throws IOException {
        if (adminTokenParameter == null) {
            return new FileTokenSink(file).store(token);
        }
        return withSsm(env, ssm -> new SsmTokenSink(ssm, adminTokenParameter).store(token));
    }

    /** SSM in the scheduler's region, credentials from the default chain ($AWS_ENDPOINT_URL_SSM is honoured by the SDK). */
    private static <T> T withSsm(Map<String, String> env, SsmCall<T> call) throws IOException {
        String region = AwsSettings.fromEnvironment(env, Optional.empty()).region();
        try (SsmClient ssm = SsmClient.builder().region(Region.of(region))
                .httpClientBuilder(ApacheHttpClient.builder()).build()) {
            return call.apply(new SsmParameters(ssm));
        }
    }

    private interface SsmCall<T> {
        T apply(SsmParameters ssm) throws IOException;
    }

    private static boolean isLoopback(String bind) {
        try {
            return InetAddress.getByName(bind).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
