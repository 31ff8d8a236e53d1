package dev.drover.scheduler.tls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;
import java.nio.charset.StandardCharsets;

/** A certificate's SHA-256 over its DER encoding, as 64 lowercase hex digits: what a client pins. */
public record Fingerprint(String hex) {
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

    public Fingerprint {
        if (!HEX.matcher(hex).matches()) {
            throw new IllegalArgumentException("a SHA-256 fingerprint is 64 hex digits (colons allowed), not '" + hex + "'");
        }
    }

    /** Reads what people paste: upper or lower case, with or without colons (as openssl prints it). */
    public static Fingerprint parse(String text) {
        return new Fingerprint(text.strip().replace(":", "").toLowerCase(Locale.ROOT));
    }

    public static Fingerprint of(X509Certificate certificate) {
        try {
            return new Fingerprint(HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded())));
        } catch (CertificateEncodingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot fingerprint a certificate", e);
        }
    }

    /** Constant time: a pin is not secret, but there is no reason to leak how much of it matched. */
    public boolean matches(X509Certificate certificate) {
        return MessageDigest.isEqual(hex.getBytes(StandardCharsets.US_ASCII),
                of(certificate).hex.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public String toString() {
        return hex;
    }
}
