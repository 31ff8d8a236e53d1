package dev.drover.core.files;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * How an output file's relative path becomes its name in results and in the payload store, and back:
 * {@code /} separates directories; in each name {@code %}, {@code \} and control characters are
 * percent-encoded (UTF-8), everything else is kept. So a file named {@code ..\..\x} is stored as
 * {@code ..%5C..%5Cx} under its task's prefix, not as {@code ../../x}, and {@code a\b} no longer
 * collides with {@code a/b}.
 */
public final class OutputNames {
    private static final String HEX = "0123456789ABCDEF";

    private OutputNames() {}

    /** The stored name of a file at {@code relative} (segments separated by {@code /}). */
    public static String encode(String relative) {
        StringBuilder out = new StringBuilder(relative.length());
        relative.codePoints().forEach(cp -> {
            if (cp == '%' || cp == '\\' || cp < 0x20 || cp == 0x7f) {
                out.append('%').append(HEX.charAt(cp >> 4)).append(HEX.charAt(cp & 0xf));
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.toString();
    }

    /** The file's own relative path again; a {@code %} not followed by two hex digits stays as it is. */
    public static String decode(String stored) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(stored.length());
        byte[] bytes = stored.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            int hi = i + 2 < bytes.length && bytes[i] == '%' ? Character.digit(bytes[i + 1], 16) : -1;
            int lo = hi >= 0 ? Character.digit(bytes[i + 2], 16) : -1;
            if (lo >= 0) {
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                out.write(bytes[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
