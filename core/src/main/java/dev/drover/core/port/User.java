package dev.drover.core.port;

/**
 * Someone who may use the scheduler's API. Their tokens are not here: a {@link UserStore} keeps
 * only the tokens' SHA-256 hashes, and never hands them out except to match one.
 *
 * @param createdAt        epoch millis
 * @param weight           the user's share of the fleet against other users with work (fair share); 0, as
 *                         read from a record written before weights existed, means {@link #DEFAULT_WEIGHT}
 * @param monthlyBudgetUsd what the user's jobs may spend in a calendar month (UTC), or null: no limit
 */
public record User(String name, boolean admin, long createdAt, int weight, Double monthlyBudgetUsd) {
    public static final int DEFAULT_WEIGHT = 1;
    public static final int MAX_WEIGHT = 10_000;

    public User {
        if (weight == 0) {
            weight = DEFAULT_WEIGHT;
        }
        if (weight < 0 || weight > MAX_WEIGHT) {
            throw new IllegalArgumentException("a weight is a whole number from 1 to " + MAX_WEIGHT);
        }
    }

    public User(String name, boolean admin, long createdAt) {
        this(name, admin, createdAt, DEFAULT_WEIGHT, null);
    }

    public User withWeight(int w) {
        return new User(name, admin, createdAt, w, monthlyBudgetUsd);
    }
}
