package dev.drover.scheduler.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import dev.drover.core.AtomicFile;

/**
 * A self-signed identity kept in a directory: made at first start (an EC P-256 key, a certificate
 * valid {@link #VALIDITY}), read back on every later start, so the fingerprint clients pin stays the
 * same across restarts. The key file is mode 0600 in a 0700 directory; beside the certificate,
 * {@value #FINGERPRINT_FILE} holds its SHA-256 for whoever hands it to the clients.
 */
public final class SelfSigned {
    public static final String CERTIFICATE_FILE = "scheduler.crt";
    public static final String KEY_FILE = "scheduler.key";
    public static final String FINGERPRINT_FILE = "scheduler.crt.sha256";
    /** Long: a pinned certificate is trusted by its fingerprint, and rotating it means re-pinning every client. */
    public static final Duration VALIDITY = Duration.ofDays(3650);

    /** The identity, and whether this start made it (else it was read from the directory). */
    public record Loaded(TlsIdentity identity, boolean created, Path certificateFile) {}

    private SelfSigned() {}

    public static Loaded loadOrCreate(Path dir, Clock clock) throws IOException {
        Path certificate = dir.resolve(CERTIFICATE_FILE);
        Path key = dir.resolve(KEY_FILE);
        boolean hasCertificate = Files.exists(certificate);
        boolean hasKey = Files.exists(key);
        if (hasCertificate && hasKey) {
            TlsIdentity identity = PemFiles.load(certificate, key);
            writeFingerprint(dir, identity.fingerprint()); // cheap, and repairs a deleted copy
            return new Loaded(identity, false, certificate);
        }
        if (hasCertificate || hasKey) {
            throw new IllegalArgumentException(dir + ": holds " + (hasKey ? KEY_FILE : CERTIFICATE_FILE) + " without "
                    + (hasKey ? CERTIFICATE_FILE : KEY_FILE) + "; remove it to make a new certificate (clients must then re-pin)");
        }
        TlsIdentity identity = generate(clock);
        if (!Files.exists(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        // the key first, so a crash in between leaves a state the check above reports rather than a lone certificate
        AtomicFile.write(key, PemFiles.pem(identity.key()), "rw-------");
        AtomicFile.write(certificate, PemFiles.pem(identity.leaf()), "rw-r--r--");
        writeFingerprint(dir, identity.fingerprint());
        return new Loaded(identity, true, certificate);
    }

    /** A fresh key pair and a certificate for it, signed by itself. */
    public static TlsIdentity generate(Clock clock) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair pair = generator.generateKeyPair();
            Instant now = clock.instant();
            X500Name name = new X500Name("CN=drover scheduler");
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name,
                    new BigInteger(128, new SecureRandom()).add(BigInteger.ONE),
                    Date.from(now.minus(Duration.ofDays(1))), // a client whose clock is a little behind
                    Date.from(now.plus(VALIDITY)), name, pair.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
            return new TlsIdentity(pair.getPrivate(), List.of(certificate));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot make a self-signed certificate", e);
        }
    }

    private static void writeFingerprint(Path dir, Fingerprint fingerprint) throws IOException {
        Path file = dir.resolve(FINGERPRINT_FILE);
        String text = fingerprint.hex() + "\n";
        if (!Files.exists(file) || !Files.readString(file, StandardCharsets.US_ASCII).equals(text)) {
            AtomicFile.write(file, text, "rw-r--r--");
        }
    }
}
