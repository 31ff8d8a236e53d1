package dev.drover.scheduler.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.io.StringWriter;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys in the forms people have: PKCS#8, and OpenSSL's older "RSA PRIVATE KEY" and "EC PRIVATE KEY". */
class PemFilesTest {
    @TempDir
    Path dir;

    @Test
    void readsAnRsaKeyInPkcs1FormWithItsCertificate() throws Exception {
        KeyPair rsa = pair("RSA");
        Path cert = write("rsa.crt", PemFiles.pem(certificate(rsa, "SHA256withRSA")));
        Path key = write("rsa.key", traditional(rsa));
        assertTrue(Files.readString(key).startsWith("-----BEGIN RSA PRIVATE KEY-----"));

        TlsIdentity identity = PemFiles.load(cert, key);

        assertEquals(rsa.getPrivate(), identity.key());
        assertEquals(Fingerprint.of(identity.leaf()), identity.fingerprint());
        identity.sslContext(); // the JDK accepts the pair
    }

    @Test
    void readsAnEcKeyInSec1FormAndInPkcs8Form() throws Exception {
        KeyPair ec = pair("EC");
        Path cert = write("ec.crt", PemFiles.pem(certificate(ec, "SHA256withECDSA")));
        Path sec1 = write("ec.key", traditional(ec));
        Path pkcs8 = write("ec8.key", PemFiles.pem(ec.getPrivate()));
        assertTrue(Files.readString(sec1).startsWith("-----BEGIN EC PRIVATE KEY-----"));
        assertTrue(Files.readString(pkcs8).startsWith("-----BEGIN PRIVATE KEY-----"));

        BigInteger secret = ((java.security.interfaces.ECPrivateKey) ec.getPrivate()).getS();
        assertEquals(secret, ((java.security.interfaces.ECPrivateKey) PemFiles.load(cert, sec1).key()).getS());
        assertEquals(secret, ((java.security.interfaces.ECPrivateKey) PemFiles.load(cert, pkcs8).key()).getS());
    }

    @Test
    void aKeyOfAnotherCertificateIsRefusedNamingTheFile() throws Exception {
        Path cert = write("a.crt", PemFiles.pem(certificate(pair("EC"), "SHA256withECDSA")));
        Path other = write("b.key", PemFiles.pem(pair("EC").getPrivate()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PemFiles.load(cert, other));
        assertTrue(e.getMessage().startsWith(other + ": this key does not belong to the certificate"), e.getMessage());
    }

    @Test
    void filesWithoutWhatTheyShouldHoldAreRefusedClearly() throws Exception {
        Path cert = write("c.crt", PemFiles.pem(certificate(pair("EC"), "SHA256withECDSA")));
        Path junk = write("junk.pem", "hello\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PemFiles.load(cert, cert)).getMessage()
                .contains("no private key in it"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PemFiles.load(junk, cert)).getMessage()
                .contains("no certificate in it"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PemFiles.load(dir.resolve("none"), cert)).getMessage()
                .endsWith("none: no such file"));
    }

    static KeyPair pair(String algorithm) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
        g.initialize(algorithm.equals("RSA") ? 2048 : 256);
        return g.generateKeyPair();
    }

    /** A CA-less certificate for the pair, as a test's own "real" certificate. */
    static X509Certificate certificate(KeyPair pair, String signature) throws Exception {
        X500Name name = new X500Name("CN=test.example");
        Instant now = Clock.systemUTC().instant();
        return new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name, BigInteger.TEN,
                Date.from(now.minusSeconds(60)), Date.from(now.plusSeconds(86_400)), name, pair.getPublic())
                .build(new JcaContentSignerBuilder(signature).build(pair.getPrivate())));
    }

    /**
     * OpenSSL's traditional forms: PKCS#1 as {@code openssl genrsa -traditional} writes it; SEC1 with the
     * curve and the public key, as {@code openssl ecparam -genkey} does (BouncyCastle's own writer
     * leaves the curve out of a JDK key's SEC1, which no tool reads back).
     */
    static String traditional(KeyPair pair) throws Exception {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            if (pair.getPrivate() instanceof java.security.interfaces.ECPrivateKey ec) {
                var algorithm = org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(ec.getEncoded()).getPrivateKeyAlgorithm();
                var publicKey = org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(pair.getPublic().getEncoded());
                var sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(256, ec.getS(), publicKey.getPublicKeyData(),
                        algorithm.getParameters());
                w.writeObject(new org.bouncycastle.util.io.pem.PemObject("EC PRIVATE KEY", sec1.getEncoded()));
            } else {
                w.writeObject(pair);
            }
        }
        return out.toString();
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }
}
