package dev.drover.core.codec;

/**
 * What the hand writers share: a text built as the mapper writes one ({@link Json#write}: no spaces, the mapper's
 * escapes), so the mapper, and the hand readers ({@link MapperText}), read it back as the same value.
 */
abstract class MapperWriter {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    final StringBuilder out;

    MapperWriter(int capacity) {
        this.out = new StringBuilder(capacity);
    }

    /** A string or null, with the mapper's escapes: {@code \" \\ \b \t \n \f \r}, {@code \\u00XX} for the other controls. */
    final void string(String s) {
        if (s == null) {
            out.append("null");
            return;
        }
        out.append('"');
        int from = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\') {
                continue;
            }
            out.append(s, from, i).append('\\');
            switch (c) {
                case '"', '\\' -> out.append(c);
                case '\b' -> out.append('b');
                case '\t' -> out.append('t');
                case '\n' -> out.append('n');
                case '\f' -> out.append('f');
                case '\r' -> out.append('r');
                default -> out.append("u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
            from = i + 1;
        }
        out.append(s, from, s.length()).append('"');
    }
}
