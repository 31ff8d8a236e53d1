package dev.drover.core.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 in lower-case hex: the name of a files pack, and what a store reports of an object it stored. */
public final class Sha256 {
    private Sha256() {}

    /** The lower-case hex SHA-256 of everything {@code in} holds (read to its end, not closed). */
    public static String hex(InputStream in) throws IOException {
        MessageDigest sha = digest();
        try (DigestInputStream d = new DigestInputStream(in, sha)) {
            d.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** A fresh SHA-256 digest (every JDK has one). */
    public static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
