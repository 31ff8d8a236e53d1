package dev.drover.core.port;

/**
 * Someone who may use the scheduler's API. Their tokens are not here: a {@link UserStore} keeps
 * only the tokens' SHA-256 hashes, and never hands them out except to match one.
 *
 * @param createdAt epoch millis
 */
public record User(String name, boolean admin, long createdAt) {}
