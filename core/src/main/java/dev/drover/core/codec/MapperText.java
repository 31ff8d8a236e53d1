package dev.drover.core.codec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * What the hand readers share: a cursor over a body that must be in the exact form {@link Json#write} gives it
 * (no spaces, the mapper's numbers and escapes). The first character the mapper would not have written throws
 * {@link #NOT_CANONICAL}, as does the end of the text, and the reader's caller hands the body to the mapper.
 *
 * <p>The cursor runs over the body's bytes ({@link Encoded}), so the keys and punctuation between values are
 * compared eight bytes at a time ({@link #literal}), not a character at a time as {@link String#startsWith(String,
 * int)} does: those compares were half of the collector's reading.
 */
abstract class MapperText {
    /** Thrown at the first character the mapper would not have written; no stack, it is a branch. */
    static final RuntimeException NOT_CANONICAL = new RuntimeException("not in the mapper's form", null, false, false) { };
    /** Jackson's default read limit on a string's length: a longer body goes to the mapper, which decides. */
    private static final int MAX_LENGTH = 20_000_000;
    private static final VarHandle WORDS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final byte[] CLOSE = text("]");
    static final byte[] COMMA = text(",");
    static final byte[] CLOSE_OBJECT = text("}");
    static final byte[] QUOTE = text("\"");
    private static final byte[] TRUE = text("true");
    private static final byte[] FALSE = text("false");
    static final byte[] NULL = text("null");

    /**
     * A body's text as bytes, one to a character if every character fits in one (the usual body: Latin-1), else
     * UTF-8; or null if its text has a character no UTF-8 holds (a lone surrogate), which the mapper reads.
     */
    record Encoded(byte[] bytes, Charset charset) {
        static Encoded of(String text) {
            byte[] latin = text.getBytes(StandardCharsets.ISO_8859_1);
            if (new String(latin, StandardCharsets.ISO_8859_1).equals(text)) {
                return new Encoded(latin, StandardCharsets.ISO_8859_1);
            }
            byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            return new String(utf8, StandardCharsets.UTF_8).equals(text) ? new Encoded(utf8, StandardCharsets.UTF_8) : null;
        }

        /** Where the {@code chars}-th character of the text starts. */
        int offsetOf(String text, int chars) {
            return charset == StandardCharsets.ISO_8859_1 ? chars : text.substring(0, chars).getBytes(charset).length;
        }
    }

    final byte[] b;
    private final Charset charset;
    int at;
    /** Whether the last {@link #string} or {@link #repeated} string was written without escapes (its text is its value). */
    boolean plain;

    /** A cursor at byte {@code from}: what comes before it (a header) is not read. */
    MapperText(Encoded body, int from) {
        this.b = body.bytes();
        this.charset = body.charset();
        this.at = from;
    }

    /** A literal's bytes (ASCII: the same in both encodings). */
    static byte[] text(String ascii) {
        return ascii.getBytes(StandardCharsets.US_ASCII);
    }

    /** What {@code read} makes of a text of {@code length} characters, or null if it is not in the mapper's own form (or is longer than the mapper reads). */
    static <T> T readOrNull(int length, Supplier<T> read) {
        if (length > MAX_LENGTH) {
            return null;
        }
        try {
            return read.get();
        } catch (RuntimeException e) {
            return null; // not the mapper's form, or cut short: the mapper reads it, or says what is wrong
        }
    }

    /** Before an array's next item: true if there is one (after its comma), false past the closing bracket. */
    final boolean more(boolean first) {
        if (literal(CLOSE)) {
            return false;
        }
        if (!first) {
            expect(COMMA);
        }
        return true;
    }

    final long key(byte[] key) {
        expect(key);
        return number();
    }

    final int integer(byte[] key) {
        expect(key);
        return integer();
    }

    final int integer() {
        long n = number();
        check(n == (int) n);
        return (int) n;
    }

    /**
     * An integer as the mapper writes a long: no plus sign, no leading zero, no "-0", no fraction or exponent. Eight
     * digits at a time while eight come (a time in milliseconds has thirteen), then one at a time.
     */
    final long number() {
        int start = at;
        int i = at;
        boolean negative = b[i] == '-';
        if (negative) {
            i++;
        }
        int digits = i;
        long v = 0; // one pass: the value as the digits are scanned (past 18 digits it may overflow, and is read again)
        while (i + Long.BYTES <= b.length) {
            long word = (long) WORDS.get(b, i);
            if (!eightDigits(word)) {
                break;
            }
            v = v * 100_000_000L + eightDigitsValue(word);
            i += Long.BYTES;
        }
        for (int d; i < b.length && (d = b[i] - '0') >= 0 && d <= 9; i++) {
            v = v * 10 + d;
        }
        at = i;
        int n = i - digits;
        check(n > 0 && (b[digits] != '0' || n == 1 && !negative));
        if (n <= 18) {
            return negative ? -v : v;
        }
        try {
            return Long.parseLong(new String(b, start, at - start, StandardCharsets.ISO_8859_1));
        } catch (NumberFormatException e) {
            throw NOT_CANONICAL;
        }
    }

    /** Whether each of the word's eight bytes is an ASCII digit: its high nibble 3, and still 3 with 6 added. */
    private static boolean eightDigits(long word) {
        return (word & 0xF0F0F0F0F0F0F0F0L) == 0x3030303030303030L
                && ((word + 0x0606060606060606L) & 0xF0F0F0F0F0F0F0F0L) == 0x3030303030303030L;
    }

    /** The value of eight ASCII digits read little-endian (the first digit in the lowest byte), by pairs, fours, eight. */
    private static long eightDigitsValue(long word) {
        long x = word - 0x3030303030303030L;
        x = x * 10 + (x >>> 8);
        return ((x & 0x000000FF000000FFL) * (100 + (1_000_000L << 32))
                + ((x >>> 16) & 0x000000FF000000FFL) * (1 + (10_000L << 32))) >>> 32;
    }

    final boolean bool() {
        if (literal(TRUE)) {
            return true;
        }
        expect(FALSE);
        return false;
    }

    /** The last string a reader read without escapes at one place, and its text: most bodies repeat it there. */
    static final class Last {
        private String value = "";
        private byte[] text = {};

        /** Its text, between the quotes. */
        byte[] text() {
            return text;
        }
    }

    /**
     * A string or null: {@code last}'s value itself if the text is that again written without escapes, else the
     * string read, which becomes {@code last} if it was written without escapes; {@link #plain} says whether it was.
     */
    final String repeated(Last last) {
        int from = at;
        int end = at + 1 + last.text.length;
        if (end < b.length && b[at] == '"' && b[end] == '"' && matches(at + 1, last.text)) {
            at = end + 1;
            plain = true;
            return last.value;
        }
        String read = string();
        if (plain) {
            last.value = read;
            last.text = Arrays.copyOfRange(b, from + 1, at - 1);
        }
        return read;
    }

    /** A string or null, with exactly the mapper's escapes: {@code \" \\ \b \t \n \f \r} and {@code \\u00XX} for the other controls. */
    final String string() {
        plain = false;
        if (literal(NULL)) {
            return null;
        }
        expect(QUOTE);
        int start = at;
        for (int i = at; ; i++) {
            int c = b[i] & 0xFF;
            if (c == '"') {
                at = i + 1;
                plain = true;
                return new String(b, start, i - start, charset);
            }
            if (c == '\\' || c < 0x20) {
                at = i;
                return escaped(start);
            }
        }
    }

    /** The rest of a string from {@code at}, its text from {@code start}, with its escapes undone. */
    private String escaped(int start) {
        byte[] out = Arrays.copyOfRange(b, start, at + 16);
        int n = at - start;
        while (true) {
            int c = b[at++] & 0xFF;
            if (c == '"') {
                return new String(out, 0, n, charset);
            }
            check(c >= 0x20);
            if (n == out.length) {
                out = Arrays.copyOf(out, n * 2);
            }
            if (c != '\\') {
                out[n++] = (byte) c;
                continue;
            }
            int e = b[at++];
            switch (e) {
                case '"', '\\' -> out[n++] = (byte) e;
                case 'b' -> out[n++] = '\b';
                case 't' -> out[n++] = '\t';
                case 'n' -> out[n++] = '\n';
                case 'f' -> out[n++] = '\f';
                case 'r' -> out[n++] = '\r';
                case 'u' -> {
                    check(b[at] == '0' && b[at + 1] == '0');
                    int v = hex(b[at + 2]) * 16 + hex(b[at + 3]);
                    check(v < 0x20 && v != '\b' && v != '\t' && v != '\n' && v != '\f' && v != '\r');
                    out[n++] = (byte) v;
                    at += 4;
                }
                default -> throw NOT_CANONICAL;
            }
        }
    }

    /** An upper-case hex digit, as the mapper writes them. */
    private static int hex(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        check(c >= 'A' && c <= 'F');
        return c - 'A' + 10;
    }

    /** Steps over {@code text} if it comes next. */
    final boolean literal(byte[] text) {
        if (matches(at, text)) {
            at += text.length;
            return true;
        }
        return false;
    }

    /**
     * Whether {@code text} is at byte {@code from}. Compared eight bytes a word (the last word overlapping the one
     * before it): most texts are 8 to 40 bytes, where {@link Arrays#equals} spent more on its checks and its call
     * than on the compare.
     */
    private boolean matches(int from, byte[] text) {
        int n = text.length;
        if (from + n > b.length) {
            return false;
        }
        if (n < Long.BYTES) {
            for (int i = 0; i < n; i++) {
                if (b[from + i] != text[i]) {
                    return false;
                }
            }
            return true;
        }
        for (int i = 0; i < n - Long.BYTES; i += Long.BYTES) {
            if ((long) WORDS.get(b, from + i) != (long) WORDS.get(text, i)) {
                return false;
            }
        }
        return (long) WORDS.get(b, from + n - Long.BYTES) == (long) WORDS.get(text, n - Long.BYTES);
    }

    final void expect(byte[] text) {
        check(literal(text));
    }

    /** The text from byte {@code start} to the cursor. */
    final String textFrom(int start) {
        return new String(b, start, at - start, charset);
    }

    static void check(boolean canonical) {
        if (!canonical) {
            throw NOT_CANONICAL;
        }
    }
}
