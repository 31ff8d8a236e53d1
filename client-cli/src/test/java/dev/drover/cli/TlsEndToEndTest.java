package dev.drover.cli;

import dev.drover.scheduler.tls.PinnedTrust;
import dev.drover.service.SchedulerService;
import dev.drover.service.ServiceOptions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.EnvironmentVariables;
import dev.drover.core.memory.InMemoryUserStore;
import dev.drover.scheduler.Scheduler;
import dev.drover.scheduler.api.HttpApi;
import dev.drover.scheduler.auth.Accounts;
import dev.drover.scheduler.tls.Fingerprint;
import dev.drover.scheduler.tls.PemFiles;
import dev.drover.scheduler.tls.SelfSigned;
import dev.drover.scheduler.tls.TlsIdentity;
import dev.drover.scheduler.tls.Transport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real HTTPS: the scheduler's API on the JDK's HttpsServer with a certificate Drover made (or one the
 * test made, as --tls-cert/--tls-key take), and the CLI pinning it, over loopback.
 */
class TlsEndToEndTest {
    @TempDir
    static Path dir;
    static SchedulerService service;
    static Scheduler scheduler;
    static Accounts accounts;
    static HttpApi selfSignedApi;
    static String token;
    static Fingerprint pin;
    static String https;

    @BeforeAll
    static void start() throws Exception {
        service = SchedulerService.start(ServiceOptions.of(dir.resolve("data"), Clock.systemUTC(), new ServiceOptions.InJvmPool(2)));
        scheduler = service.scheduler();
        accounts = new Accounts(new InMemoryUserStore(dir.resolve("data/users.json")), Clock.systemUTC());
        token = accounts.bootstrap().orElseThrow();
        TlsIdentity identity = SelfSigned.loadOrCreate(dir.resolve("tls"), Clock.systemUTC()).identity();
        pin = identity.fingerprint();
        selfSignedApi = serve(Transport.tls(identity));
        https = "https://127.0.0.1:" + selfSignedApi.port();
    }

    @AfterAll
    static void stop() {
        selfSignedApi.close();
        service.close();
    }

    static HttpApi serve(Transport transport) throws Exception {
        return new HttpApi(scheduler, "127.0.0.1", 0, Map::of, accounts, HttpApi.Limits.defaults(), transport).start();
    }

    record Run(int code, String out, String err) {}

    static Run drover(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put(TokenFile.VARIABLE, token);
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err), new ClientEnvironment(all, dir.resolve("home")));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void withTheRightPinAJobRunsEndToEndOverHttps() throws Exception {
        Path workload = Files.writeString(dir.resolve("w.txt"), "echo over-tls\nsleep 1\n");
        Run submitted = drover(Map.of(), "submit", "-s", https, "--tls-fingerprint", pin.hex(), "-w", workload.toString(), "--wait", "-q");
        assertEquals(0, submitted.code(), submitted.err());

        Run jobs = drover(Map.of(), "jobs", "-s", https, "--tls-fingerprint", pin.hex());
        assertEquals(0, jobs.code(), jobs.err());
        assertFalse(jobs.out().isBlank());
    }

    @Test
    void aPinImpliesHttpsAndMayComeFromTheEnvironmentWithColonsAndCapitals() {
        String openssl = pin.hex().toUpperCase().replaceAll("(..)(?!$)", "$1:");
        Run run = drover(Map.of(EnvironmentVariables.TLS_FINGERPRINT, openssl), "jobs", "-s", "127.0.0.1:" + selfSignedApi.port());
        assertEquals(0, run.code(), run.err());
    }

    @Test
    void aWrongPinFailsWithAClearMessageAndExit2() {
        String wrong = "0".repeat(64);
        Run run = drover(Map.of(), "jobs", "-s", https, "--tls-fingerprint", wrong);
        assertEquals(2, run.code());
        assertTrue(run.err().contains("has SHA-256 fingerprint " + pin.hex() + ", not the pinned " + wrong), run.err());
        assertTrue(run.err().contains("not sending the token"), run.err());
        assertFalse(run.err().contains("\tat "), "no stack trace: " + run.err());
    }

    @Test
    void withoutAPinTheJdkTrustStoreRefusesTheSelfSignedCertificate() {
        Run run = drover(Map.of(), "jobs", "-s", https);
        assertEquals(2, run.code());
        assertTrue(run.err().contains("not one this JDK trusts"), run.err());
        assertTrue(run.err().contains("--tls-fingerprint"), run.err());
    }

    @Test
    void aPinWithAPlainHttpAddressIsAUsageError() {
        Run run = drover(Map.of(), "jobs", "-s", "http://127.0.0.1:" + selfSignedApi.port(), "--tls-fingerprint", pin.hex());
        assertEquals(2, run.code());
        assertTrue(run.err().contains("is plain HTTP"), run.err());
        Run bad = drover(Map.of(), "jobs", "-s", https, "--tls-fingerprint", "abc");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("64 hex digits"), bad.err());
    }

    @Test
    void aCertificateAndKeyFromFilesAreServedAndPinned() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        X500Name name = new X500Name("CN=scheduler.test.example");
        Instant now = Instant.now();
        var certificate = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name,
                BigInteger.valueOf(7), Date.from(now.minusSeconds(60)), Date.from(now.plusSeconds(3600)), name, pair.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate())));
        Path cert = Files.writeString(dir.resolve("real.crt"), PemFiles.pem(certificate));
        Path key = Files.writeString(dir.resolve("real.key"), PemFiles.pem(pair.getPrivate()));

        try (HttpApi api = serve(Transport.tls(PemFiles.load(cert, key)))) {
            assertTrue(api.dashboardUrl("127.0.0.1", accounts.list().get(0)).startsWith("https://127.0.0.1:"));
            Run run = drover(Map.of(), "jobs", "-s", "127.0.0.1:" + api.port(),
                    "--tls-fingerprint", Fingerprint.of(certificate).hex());
            assertEquals(0, run.code(), run.err());
            Run other = drover(Map.of(), "jobs", "-s", "127.0.0.1:" + api.port(), "--tls-fingerprint", pin.hex());
            assertEquals(2, other.code(), "the self-signed pin does not fit this certificate");
        }
    }

    @Test
    void overHttpsTheDashboardsSessionCookieIsSecure() throws Exception {
        var http = java.net.http.HttpClient.newBuilder().sslContext(PinnedTrust.context(pin)).build();
        String code = selfSignedApi.loginPath(accounts.list().get(0)).substring("/?login=".length());
        var response = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(https + "/session/start"))
                        .header("X-Drover-Login", "1").POST(java.net.http.HttpRequest.BodyPublishers.ofString(code)).build(),
                java.net.http.HttpResponse.BodyHandlers.discarding());
        assertEquals(200, response.statusCode());
        String cookie = response.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(cookie.endsWith("; Secure") && cookie.contains("HttpOnly"), cookie);
    }

    @Test
    void aRestartedSchedulerPresentsTheSameCertificate() throws Exception {
        TlsIdentity reloaded = SelfSigned.loadOrCreate(dir.resolve("tls"), Clock.systemUTC()).identity();
        try (HttpApi again = serve(Transport.tls(reloaded))) {
            Run run = drover(Map.of(), "jobs", "-s", "https://127.0.0.1:" + again.port(), "--tls-fingerprint", pin.hex());
            assertEquals(0, run.code(), run.err());
        }
    }

    @Test
    void theSchedulerCommandRefusesHalfATlsConfigurationWithExit2() throws Exception {
        Run half = drover(Map.of(), "scheduler", "-lw", "1", "-s", "0", "--data", dir.resolve("d1").toString(),
                "--tls-cert", dir.resolve("x.crt").toString());
        assertEquals(2, half.code());
        assertTrue(half.err().contains("--tls-cert and --tls-key go together"), half.err());

        Path cert = Files.writeString(dir.resolve("only.crt"), PemFiles.pem(SelfSigned.generate(Clock.systemUTC()).leaf()));
        Path otherKey = Files.writeString(dir.resolve("other.key"), PemFiles.pem(SelfSigned.generate(Clock.systemUTC()).key()));
        Run mismatched = drover(Map.of(), "scheduler", "-lw", "1", "-s", "0", "--data", dir.resolve("d2").toString(),
                "--tls-cert", cert.toString(), "--tls-key", otherKey.toString());
        assertEquals(2, mismatched.code());
        assertTrue(mismatched.err().contains(otherKey + ": this key does not belong to the certificate"), mismatched.err());
        assertFalse(Files.exists(dir.resolve("home/.drover/token")), "no admin bootstrapped by a start that failed");
    }
}
