package dev.drover.amibuild;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scheduler-tls.sh with the real AWS CLI and openssl, against a stand-in for SSM's JSON API on
 * loopback (GetParameter and a PutParameter that refuses to overwrite, as SSM does).
 */
class SchedulerTlsTest {
    static final String PARAMETER = "/drover/Drover/tls";
    static final String DNS_NAME = "drover-nlb-0123456789.elb.eu-west-1.amazonaws.com";
    static final ObjectMapper JSON = new ObjectMapper();

    static HttpServer ssm;
    static final Map<String, JsonNode> parameters = new ConcurrentHashMap<>();
    static final List<String> calls = new CopyOnWriteArrayList<>();
    /** When set, every call is refused with this error code. */
    static volatile String refuseWith;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSsm() throws IOException {
        assumeTrue(Shell.onPath("aws"), "the AWS CLI is not installed");
        assumeTrue(Shell.onPath("openssl"), "openssl is not installed");
        ssm = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        ssm.createContext("/", SchedulerTlsTest::answer);
        ssm.start();
    }

    @AfterAll
    static void stopSsm() {
        if (ssm != null) {
            ssm.stop(0);
        }
    }

    @BeforeEach
    void clear() {
        parameters.clear();
        calls.clear();
        refuseWith = null;
    }

    @Test
    void theFirstReplicaMakesTheCertificateAndStoresItAsASecureStringWithoutOverwrite() throws Exception {
        Path out = dir.resolve("tls/scheduler.pem");
        Shell.Result result = run(out);
        assertEquals(0, result.exitCode(), result.output());
        assertEquals(List.of("GetParameter " + PARAMETER, "PutParameter " + PARAMETER), calls);
        JsonNode stored = parameters.get(PARAMETER);
        assertEquals("SecureString", stored.get("Type").asText());
        assertFalse(stored.path("Overwrite").asBoolean(false), "never overwrites another replica's identity");
        assertFalse(stored.has("KeyId"), "the account's aws/ssm key");
        assertEquals(stored.get("Value").asText(), Files.readString(out), "the PEM as made, no line added or lost");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));

        X509Certificate certificate = certificate(out);
        assertTrue(belongTogether(key(out), certificate), "the key is the certificate's");
        List<String> names = new ArrayList<>();
        certificate.getSubjectAlternativeNames().forEach(n -> names.add(n.get(1).toString()));
        assertEquals(List.of(DNS_NAME, "localhost", "127.0.0.1"), names);
        assertEquals("EC", certificate.getPublicKey().getAlgorithm());
        assertEquals(List.of("1.3.6.1.5.5.7.3.1"), certificate.getExtendedKeyUsage(), "serverAuth");
        assertEquals(-1, certificate.getBasicConstraints(), "not a CA");
        assertFalse(result.output().contains("PRIVATE KEY"), "the key is never printed");
    }

    /** The unit passes the one file as both --tls-cert and --tls-key: the scheduler's own loader takes it. */
    @Test
    void theSchedulerServesTheFileAsItsCertificateAndKey() throws Exception {
        Path out = dir.resolve("tls/scheduler.pem");
        assertEquals(0, run(out).exitCode());
        dev.drover.scheduler.tls.TlsIdentity identity = dev.drover.scheduler.tls.PemFiles.load(out, out);
        assertEquals(certificate(out), identity.leaf());
        assertEquals(1, identity.chain().size());
        assertEquals("TLS", identity.sslContext().getProtocol());
    }

    @Test
    void laterReplicasReadTheStoredIdentityAndWriteNothing() throws Exception {
        Path first = dir.resolve("a.pem");
        assertEquals(0, run(first).exitCode());
        calls.clear();
        Path second = dir.resolve("b.pem");
        Shell.Result result = run(second);
        assertEquals(0, result.exitCode(), result.output());
        assertEquals(List.of("GetParameter " + PARAMETER), calls);
        assertEquals(Files.readString(first), Files.readString(second));
    }

    @Test
    void replicasStartingAtOnceAllEndWithTheOneIdentityThatWasStored() throws Exception {
        List<CompletableFuture<Shell.Result>> runs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Path out = dir.resolve("replica-" + i + ".pem");
            runs.add(CompletableFuture.supplyAsync(() -> run(out)));
        }
        for (CompletableFuture<Shell.Result> r : runs) {
            assertEquals(0, r.join().exitCode(), r.join().output());
        }
        long puts = calls.stream().filter(c -> c.startsWith("PutParameter")).count();
        assertTrue(puts >= 1, "someone made it: " + calls);
        String stored = parameters.get(PARAMETER).get("Value").asText();
        assertTrue(stored.endsWith("-----END CERTIFICATE-----\n"), stored);
        for (int i = 0; i < 4; i++) {
            assertEquals(stored, Files.readString(dir.resolve("replica-" + i + ".pem")), "replica " + i);
        }
    }

    @Test
    void aReplicaThatLosesTheRaceToCreateReadsTheWinnersIdentity() throws Exception {
        // GetParameter finds nothing, then another replica's PutParameter lands before this one's.
        String winners = pem(dir.resolve("winner.pem"));
        raceLostTo = winners;
        try {
            Path out = dir.resolve("loser.pem");
            Shell.Result result = run(out);
            assertEquals(0, result.exitCode(), result.output());
            assertEquals(List.of("GetParameter " + PARAMETER, "PutParameter " + PARAMETER, "GetParameter " + PARAMETER), calls);
            assertEquals(winners, Files.readString(out));
            assertTrue(result.output().contains("another replica stored its certificate"), result.output());
        } finally {
            raceLostTo = null;
        }
    }

    @Test
    void anyOtherSsmErrorFailsTheStartWithoutWritingTheFile() {
        refuseWith = "AccessDeniedException";
        Path out = dir.resolve("tls/scheduler.pem");
        Shell.Result result = run(out);
        assertEquals(255, result.exitCode(), result.output());
        assertTrue(result.output().contains("cannot read " + PARAMETER) && result.output().contains("AccessDenied"), result.output());
        assertFalse(Files.exists(out));
    }

    @Test
    void aParameterThatHoldsNoIdentityIsRefused() {
        ObjectNode junk = JSON.createObjectNode().put("Name", PARAMETER).put("Type", "SecureString").put("Value", "not a pem");
        parameters.put(PARAMETER, junk);
        Path out = dir.resolve("x.pem");
        Shell.Result result = run(out);
        assertEquals(255, result.exitCode(), result.output());
        assertTrue(result.output().contains("does not hold a PEM private key and certificate"), result.output());
        assertFalse(Files.exists(out));
    }

    @Test
    void badArgumentsAreRefused() {
        for (List<String> args : List.of(List.<String>of(), List.of("relative/name", DNS_NAME, "f"),
                List.of(PARAMETER, "bad name; rm", "f"), List.of(PARAMETER, DNS_NAME))) {
            List<String> command = new ArrayList<>(List.of("bash", "scheduler-tls.sh"));
            command.addAll(args);
            assertEquals(2, Shell.run(command, Map.of()).exitCode(), args.toString());
        }
        assertTrue(calls.isEmpty());
    }

    // --- the stand-in -------------------------------------------------------------------------

    /** When set, the next PutParameter finds that another replica stored this value a moment earlier. */
    static volatile String raceLostTo;

    static void answer(HttpExchange exchange) throws IOException {
        String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
        JsonNode request = JSON.readTree(exchange.getRequestBody());
        String operation = target == null ? "" : target.substring(target.indexOf('.') + 1);
        String name = request.path("Name").asText();
        calls.add(operation + " " + name);
        if (refuseWith != null) {
            respond(exchange, 400, error(refuseWith, "refused"));
            return;
        }
        switch (operation) {
            case "GetParameter" -> {
                JsonNode p = parameters.get(name);
                if (p == null) {
                    respond(exchange, 400, error("ParameterNotFound", ""));
                } else {
                    ObjectNode body = JSON.createObjectNode();
                    body.putObject("Parameter").put("Name", name).put("Type", p.get("Type").asText())
                            .put("Value", p.get("Value").asText()).put("Version", 1);
                    respond(exchange, 200, body.toString());
                }
            }
            case "PutParameter" -> {
                if (raceLostTo != null) {
                    parameters.put(name, JSON.createObjectNode().put("Name", name).put("Type", "SecureString").put("Value", raceLostTo));
                }
                if (request.path("Overwrite").asBoolean(false)) {
                    parameters.put(name, request);
                } else if (parameters.putIfAbsent(name, request) != null) {
                    respond(exchange, 400, error("ParameterAlreadyExists", "The parameter already exists."));
                    return;
                }
                respond(exchange, 200, "{\"Version\":1,\"Tier\":\"Standard\"}");
            }
            default -> respond(exchange, 400, error("InvalidAction", operation));
        }
    }

    static String error(String code, String message) {
        return JSON.createObjectNode().put("__type", code).put("message", message).toString();
    }

    static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    static Shell.Result run(Path out) {
        return Shell.run(List.of("bash", "scheduler-tls.sh", PARAMETER, DNS_NAME, out.toString()), Map.of(
                "AWS_ENDPOINT_URL_SSM", "http://127.0.0.1:" + ssm.getAddress().getPort(),
                "AWS_REGION", "eu-west-1", "AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test",
                "AWS_CONFIG_FILE", "/dev/null", "AWS_SHARED_CREDENTIALS_FILE", "/dev/null"));
    }

    /** A key and certificate made by the script once, for the race test's winner. */
    String pem(Path file) throws IOException {
        Shell.Result made = run(file);
        assertEquals(0, made.exitCode(), made.output());
        parameters.clear();
        calls.clear();
        return Files.readString(file);
    }

    // --- PEM, with the JDK alone --------------------------------------------------------------

    static byte[] block(Path file, String type) throws IOException {
        Matcher m = Pattern.compile("-----BEGIN " + type + "-----([^-]+)-----END " + type + "-----").matcher(Files.readString(file));
        assertTrue(m.find(), type + " in " + file);
        return Base64.getMimeDecoder().decode(m.group(1));
    }

    static X509Certificate certificate(Path file) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(block(file, "CERTIFICATE")));
    }

    static PrivateKey key(Path file) throws Exception {
        return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(block(file, "PRIVATE KEY")));
    }

    static boolean belongTogether(PrivateKey key, X509Certificate certificate) throws Exception {
        byte[] challenge = "drover".getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(key);
        signer.update(challenge);
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(certificate.getPublicKey());
        verifier.update(challenge);
        return verifier.verify(signer.sign());
    }
}
