package dev.drover.core.port;

/**
 * Someone who may use the scheduler's API. Their tokens are not here: a {@link UserStore} keeps
 * only the tokens' SHA-256 hashes, and never hands them out except to match one.
 *
 * @param createdAt        epoch millis
 * @param monthlyBudgetUsd what the user's jobs may spend in a calendar month (UTC), or null: no limit
 */
public record User(String name, boolean admin, long createdAt, Double monthlyBudgetUsd) {
    public User(String name, boolean admin, long createdAt) {
        this(name, admin, createdAt, null);
    }
}
