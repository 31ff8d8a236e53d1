package dev.drover.scheduler.model;

import java.util.Locale;

/** The order in which the dispatcher serves jobs of different users. */
public enum Policy {
    /** Each user with work gets a share of the fleet by weight ({@code dispatch.FairShare}); within a user, priority then submission order. */
    FAIR,
    /** Every job in global submission order, as one line: a user's job waits behind everyone submitted before it. */
    FIFO;

    public static final Policy DEFAULT = FAIR;

    /** "fair" or "fifo", any case; anything else is refused with the choices. */
    public static Policy parse(String s) {
        for (Policy p : values()) {
            if (p.name().equalsIgnoreCase(s == null ? "" : s.trim())) {
                return p;
            }
        }
        throw new IllegalArgumentException("a policy is fair or fifo, not '" + s + "'");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
