package dev.drover.core.codec;

import java.util.function.Supplier;

/**
 * What the hand readers share: a cursor over a body that must be in the exact form {@link Json#write} gives it
 * (no spaces, the mapper's numbers and escapes). The first character the mapper would not have written throws
 * {@link #NOT_CANONICAL}, as does the end of the text, and the reader's caller hands the body to the mapper.
 */
abstract class MapperText {
    /** Thrown at the first character the mapper would not have written; no stack, it is a branch. */
    static final RuntimeException NOT_CANONICAL = new RuntimeException("not in the mapper's form", null, false, false) { };
    /** Jackson's default read limit on a string's length: a longer body goes to the mapper, which decides. */
    private static final int MAX_LENGTH = 20_000_000;

    final String s;
    int at;
    /** Whether the last {@link #repeated} string was written without escapes (its text is its value). */
    boolean plain;

    /** A cursor at {@code from}: what comes before it (a header) is not read. */
    MapperText(String s, int from) {
        this.s = s;
        this.at = from;
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
        if (literal("]")) {
            return false;
        }
        if (!first) {
            expect(",");
        }
        return true;
    }

    final long key(String key) {
        expect(key);
        return number();
    }

    final int integer(String key) {
        long n = key(key);
        check(n == (int) n);
        return (int) n;
    }

    /** An integer as the mapper writes a long: no plus sign, no leading zero, no "-0", no fraction or exponent. */
    final long number() {
        int start = at;
        boolean negative = s.charAt(at) == '-';
        if (negative) {
            at++;
        }
        int digits = at;
        long v = 0; // one pass: the value as the digits are scanned (past 18 digits it may overflow, and is read again)
        for (char c; at < s.length() && (c = s.charAt(at)) >= '0' && c <= '9'; at++) {
            v = v * 10 + (c - '0');
        }
        int n = at - digits;
        check(n > 0 && (s.charAt(digits) != '0' || n == 1 && !negative));
        if (n <= 18) {
            return negative ? -v : v;
        }
        try {
            return Long.parseLong(s, start, at, 10);
        } catch (NumberFormatException e) {
            throw NOT_CANONICAL;
        }
    }

    final boolean bool() {
        if (literal("true")) {
            return true;
        }
        expect("false");
        return false;
    }

    /**
     * A string or null: {@code previous} itself (written without escapes) if the text is that again, else the
     * string read; {@link #plain} says whether it was written without escapes.
     */
    final String repeated(String previous) {
        int end = at + 1 + previous.length();
        if (end < s.length() && s.charAt(at) == '"' && s.startsWith(previous, at + 1) && s.charAt(end) == '"') {
            at = end + 1;
            plain = true;
            return previous;
        }
        int start = at;
        String read = string();
        plain = read != null && at - start == read.length() + 2;
        return read;
    }

    /** A string or null, with exactly the mapper's escapes: {@code \" \\ \b \t \n \f \r} and {@code \\u00XX} for the other controls. */
    final String string() {
        if (literal("null")) {
            return null;
        }
        expect("\"");
        int start = at;
        for (int i = at; ; i++) {
            char c = s.charAt(i);
            if (c == '"') {
                at = i + 1;
                return s.substring(start, i);
            }
            if (c == '\\' || c < 0x20) {
                at = i;
                return escaped(new StringBuilder(i - start + 16).append(s, start, i));
            }
        }
    }

    private String escaped(StringBuilder sb) {
        while (true) {
            char c = s.charAt(at++);
            if (c == '"') {
                return sb.toString();
            }
            check(c >= 0x20);
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char e = s.charAt(at++);
            switch (e) {
                case '"', '\\' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 't' -> sb.append('\t');
                case 'n' -> sb.append('\n');
                case 'f' -> sb.append('\f');
                case 'r' -> sb.append('\r');
                case 'u' -> {
                    check(s.startsWith("00", at));
                    int v = hex(s.charAt(at + 2)) * 16 + hex(s.charAt(at + 3));
                    check(v < 0x20 && v != '\b' && v != '\t' && v != '\n' && v != '\f' && v != '\r');
                    sb.append((char) v);
                    at += 4;
                }
                default -> throw NOT_CANONICAL;
            }
        }
    }

    /** An upper-case hex digit, as the mapper writes them. */
    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        check(c >= 'A' && c <= 'F');
        return c - 'A' + 10;
    }

    /** Steps over {@code text} if it comes next. */
    final boolean literal(String text) {
        if (s.startsWith(text, at)) {
            at += text.length();
            return true;
        }
        return false;
    }

    final void expect(String text) {
        check(literal(text));
    }

    static void check(boolean canonical) {
        if (!canonical) {
            throw NOT_CANONICAL;
        }
    }
}
