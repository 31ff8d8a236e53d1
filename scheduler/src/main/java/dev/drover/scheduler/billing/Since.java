package dev.drover.scheduler.billing;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.DateTimeException;

/** Reads a bill's {@code since}: a date ({@code 2026-12-01}, from 00:00 UTC) or an instant ({@code 2026-12-01T10:00:00Z}). */
public final class Since {
    private Since() {
    }

    /** Epoch millis; 0 for null or blank; IllegalArgumentException with a clear message for anything else. */
    public static long parse(String text) {
        if (text == null || text.isBlank()) {
            return 0;
        }
        String t = text.strip();
        try {
            return t.contains("T") ? Instant.parse(t).toEpochMilli() : LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        } catch (DateTimeException | ArithmeticException e) { // unreadable, or beyond epoch millis
            throw new IllegalArgumentException("since: not a date (YYYY-MM-DD) or an instant (YYYY-MM-DDTHH:MM:SSZ): " + shorten(t));
        }
    }

    private static String shorten(String t) {
        return t.length() > 40 ? t.substring(0, 40) + "…" : t;
    }
}
