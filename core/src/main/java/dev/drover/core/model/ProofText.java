package dev.drover.core.model;

import java.nio.charset.StandardCharsets;
import javax.crypto.Mac;

/**
 * The text a {@link ResultProof} covers, written as its UTF-8 bytes into the MAC through a small
 * buffer: no string of the whole text is built and encoded (a line a result, on the collector's path).
 */
final class ProofText {
    private final Mac mac;
    private final byte[] buffer = new byte[512];
    private int size;

    ProofText(Mac mac) {
        this.mac = mac;
    }

    ProofText put(char ascii) {
        if (size == buffer.length) {
            flush();
        }
        buffer[size++] = (byte) ascii;
        return this;
    }

    /** Text of ASCII characters only (the header, a status's name). */
    ProofText ascii(String text) {
        for (int i = 0; i < text.length(); i++) {
            put(text.charAt(i));
        }
        return this;
    }

    /** Any text (a scope as it came in a message). */
    ProofText utf8(String text) {
        flush();
        mac.update(text.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** A number in decimal, as {@code StringBuilder.append(long)} writes it. */
    ProofText number(long n) {
        if (n == Long.MIN_VALUE) {
            return ascii(Long.toString(n)); // no positive counterpart to write digit by digit
        }
        if (n < 0) {
            put('-');
            n = -n;
        }
        if (size + 2 * 19 > buffer.length) {
            flush();
        }
        // the digits last to first at the buffer's end (one division a digit, not two), then moved into place
        int first = buffer.length;
        do {
            buffer[--first] = (byte) ('0' + n % 10);
            n /= 10;
        } while (n != 0);
        int digits = buffer.length - first;
        System.arraycopy(buffer, first, buffer, size, digits);
        size += digits;
        return this;
    }

    /** The MAC of all that was written. */
    byte[] finish() {
        flush();
        return mac.doFinal();
    }

    private void flush() {
        mac.update(buffer, 0, size);
        size = 0;
    }
}
