package dev.drover.core.workload;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the durations users type: plain seconds ({@code 30}) or with a unit ({@code 500ms, 3s, 2m, 1h, 30d}). */
public final class Durations {
    private static final Pattern FORMAT = Pattern.compile("(\\d+)(ms|s|m|h|d)?");

    private Durations() {}

    public static Duration parse(String text) {
        Matcher m = FORMAT.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration: use seconds (30) or a unit (500ms, 3s, 2m, 1h, 30d)");
        }
        String unit = m.group(2) == null ? "s" : m.group(2);
        try {
            long n = Long.parseLong(m.group(1));
            Duration d = switch (unit) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofHours(n);
            };
            d.toMillis(); // every caller wants milliseconds: refuse what has none (found by WorkloadReaderFuzzTest)
            return d;
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is too long a duration");
        }
    }
}
