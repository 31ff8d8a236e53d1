package dev.drover.scheduler.api;

import java.util.Map;
import java.util.HashMap;

/**
 * Long-lived responses ({@code /events}, {@code results?follow=true}) each hold a request thread, so
 * they get their own budget, apart from other requests': at most {@code perUser} for one user and
 * {@code total} for everyone. Over it a user gets 429, everyone 503; other requests are not touched.
 */
final class StreamBudget {
    /** One held stream; closing it gives its place back. */
    interface Permit extends AutoCloseable {
        @Override
        void close();
    }

    private final int perUser;
    private final int total;
    private final Map<String, Integer> byUser = new HashMap<>();
    private int held;

    StreamBudget(int perUser, int total) {
        this.perUser = perUser;
        this.total = total;
    }

    Permit acquire(String user) throws Refusal {
        synchronized (this) {
            if (byUser.getOrDefault(user, 0) >= perUser) {
                throw new Refusal(429, "you have " + perUser + " live streams (events or followed results), the most"
                        + " one user may hold; close one and try again", Map.of("Retry-After", "5"));
            }
            if (held >= total) {
                throw new Refusal(503, "the scheduler serves " + total + " live streams, its most; try again shortly",
                        Map.of("Retry-After", "5"));
            }
            held++;
            byUser.merge(user, 1, Integer::sum);
        }
        return () -> {
            synchronized (this) {
                held--;
                byUser.computeIfPresent(user, (u, n) -> n <= 1 ? null : n - 1);
            }
        };
    }
}
