package dev.drover.scheduler.tls;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.util.io.pem.PemGenerationException;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * PEM in and out, through BouncyCastle: a key as PKCS#8 ({@code PRIVATE KEY}) or in the older
 * {@code RSA PRIVATE KEY} / {@code EC PRIVATE KEY} forms, and a certificate chain, leaf first.
 * Every refusal names the file and says why, so the command can exit 2 with it.
 */
public final class PemFiles {
    private PemFiles() {}

    /** The identity in a certificate file and a key file, checked to belong together. */
    public static TlsIdentity load(Path certificateFile, Path keyFile) throws IOException {
        List<X509Certificate> chain = readCertificates(certificateFile);
        PrivateKey key = readKey(keyFile);
        if (!belongTogether(key, chain.get(0))) {
            throw new IllegalArgumentException(keyFile + ": this key does not belong to the certificate in " + certificateFile);
        }
        return new TlsIdentity(key, chain);
    }

    public static List<X509Certificate> readCertificates(Path file) throws IOException {
        List<X509Certificate> chain = new ArrayList<>();
        try (PEMParser pem = parser(file)) {
            JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
            for (Object o = pem.readObject(); o != null; o = pem.readObject()) {
                if (o instanceof X509CertificateHolder holder) {
                    chain.add(converter.getCertificate(holder));
                }
            }
        } catch (GeneralSecurityException | PEMException e) {
            throw new IllegalArgumentException(file + ": not a readable PEM certificate: " + e.getMessage(), e);
        }
        if (chain.isEmpty()) {
            throw new IllegalArgumentException(file + ": no certificate in it (expected PEM: -----BEGIN CERTIFICATE-----)");
        }
        return chain;
    }

    public static PrivateKey readKey(Path file) throws IOException {
        try (PEMParser pem = parser(file)) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            for (Object o = pem.readObject(); o != null; o = pem.readObject()) {
                if (o instanceof PrivateKeyInfo pkcs8) {
                    return converter.getPrivateKey(pkcs8);
                }
                if (o instanceof PEMKeyPair pair) {
                    // the private part only: an "EC PRIVATE KEY" may leave its public key out
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
                if (o instanceof PKCS8EncryptedPrivateKeyInfo || o instanceof PEMEncryptedKeyPair) {
                    throw new IllegalArgumentException(file + ": the key is encrypted; give it unencrypted, "
                            + "readable by the scheduler's account only (e.g. openssl pkey -in KEY -out PLAIN)");
                }
            }
        } catch (PEMException e) {
            throw new IllegalArgumentException(file + ": not a readable PEM key: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException(file + ": no private key in it (expected PEM: PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)");
    }

    /** PEM text of a certificate. */
    public static String pem(X509Certificate certificate) {
        return write(certificate);
    }

    /** PEM text of a key, as PKCS#8 ({@code PRIVATE KEY}), unencrypted. */
    public static String pem(PrivateKey key) {
        try {
            return write(new JcaPKCS8Generator(key, null).generate());
        } catch (PemGenerationException e) {
            throw new IllegalArgumentException("cannot encode the key: " + e.getMessage(), e);
        }
    }

    private static String write(Object pemObject) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            if (pemObject instanceof PemObject ready) {
                writer.writeObject(ready);
            } else {
                writer.writeObject(pemObject);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e); // a StringWriter does not fail
        }
        return out.toString();
    }

    private static PEMParser parser(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + ": no such file");
        }
        Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        return new PEMParser(reader);
    }

    /** Signs a random challenge with the key and checks it with the certificate's public key. */
    private static boolean belongTogether(PrivateKey key, X509Certificate certificate) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null) {
            return true; // an unusual key type: the handshake will tell
        }
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
