package dev.drover.scheduler.api;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Strict parsing of what a request carries: any malformed escape, byte or number is a 400. */
final class Requests {
    private Requests() {}

    /** The request's target; one that is not a URI is a 400. */
    static java.net.URI uri(com.sun.net.httpserver.HttpExchange ex) throws Refusal {
        try {
            return ex.getRequestURI();
        } catch (IllegalArgumentException e) {
            throw new Refusal(400, "the request's target is not a valid URI");
        }
    }

    /** The path's segments, each percent-decoded on its own (so an escaped '/' stays in its segment). */
    static List<String> segments(String rawPath) throws Refusal {
        List<String> out = new ArrayList<>();
        if (rawPath == null) {
            return out;
        }
        for (String s : rawPath.split("/")) {
            if (!s.isEmpty()) {
                out.add(decode(s, false));
            }
        }
        return out;
    }

    static Map<String, String> query(String raw) throws Refusal {
        Map<String, String> q = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    q.put(decode(pair.substring(0, eq), true), decode(pair.substring(eq + 1), true));
                }
            }
        }
        return q;
    }

    /** Percent-decoding to UTF-8 that refuses bad escapes and bytes that are not UTF-8. */
    static String decode(String s, boolean plusIsSpace) throws Refusal {
        if (s.indexOf('%') < 0 && (!plusIsSpace || s.indexOf('+') < 0)) {
            return s;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) {
                    throw new Refusal(400, "bad percent-encoding");
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new Refusal(400, "bad percent-encoding");
                }
                bytes.write(hi * 16 + lo);
                i += 2;
            } else if (c == '+' && plusIsSpace) {
                bytes.write(' ');
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < s.length()) {
                    b = s.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                bytes.write(b, 0, b.length);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new Refusal(400, "percent-encoding that is not UTF-8");
        }
    }

    /** A whole number ≥ 0 that fits a long. */
    static long number(String s, String what) throws Refusal {
        if (s.isEmpty() || s.length() > 18 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new Refusal(400, what + ": a whole number of at most 18 digits");
        }
        return Long.parseLong(s);
    }

    /** Absent is 0; otherwise a whole number, optionally negative, from -max to max. */
    static int signedInt(String s, String what, int max) throws Refusal {
        if (s == null) {
            return 0;
        }
        boolean negative = s.startsWith("-");
        String digits = negative ? s.substring(1) : s;
        if (digits.isEmpty() || digits.length() > 9 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')
                || Integer.parseInt(digits) > max) {
            throw new Refusal(400, what + ": a whole number from -" + max + " to " + max);
        }
        return negative ? -Integer.parseInt(digits) : Integer.parseInt(digits);
    }

    /** Absent is false; otherwise exactly "true" or "false". */
    static boolean bool(String s, String what) throws Refusal {
        if (s == null || s.equals("false")) {
            return false;
        }
        if (s.equals("true")) {
            return true;
        }
        throw new Refusal(400, what + ": true or false");
    }
}
