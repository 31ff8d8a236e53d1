package dev.drover.scheduler.intake;

import java.security.SecureRandom;

/**
 * Job ids that cannot be guessed and sort by submission: {@code j}, the submission time in
 * milliseconds as 10 base-32 digits, then 128 random bits as 26 (37 characters in all). The digits
 * are Crockford's lower-case alphabet, so an id is safe in a path, a file name, an S3 key and a
 * bundle id ({@code job:first:count}: no ':').
 */
public final class JobIds {
    private static final char[] DIGITS = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();
    static final int LENGTH = 1 + 10 + 26;

    private JobIds() {}

    public static String next(long millis) {
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        return of(millis, random);
    }

    static String of(long millis, byte[] random) {
        StringBuilder id = new StringBuilder(LENGTH).append('j');
        for (int shift = 45; shift >= 0; shift -= 5) { // 50 bits of time: enough for 35,000 years
            id.append(DIGITS[(int) (millis >>> shift) & 31]);
        }
        // 128 bits in 5-bit groups, the last group padded with zeros
        int bits = 0;
        int held = 0;
        for (byte b : random) {
            held = (held << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                bits -= 5;
                id.append(DIGITS[(held >>> bits) & 31]);
            }
        }
        if (bits > 0) {
            id.append(DIGITS[(held << (5 - bits)) & 31]);
        }
        return id.toString();
    }
}
