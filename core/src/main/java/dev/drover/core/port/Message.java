package dev.drover.core.port;

/**
 * A received queue message.
 *
 * @param receipt      handle for delete and change-visibility (changes with every receive)
 * @param receiveCount how many times the queue has handed this message out, this time included
 */
public record Message(String id, String receipt, String body, int receiveCount) {}
