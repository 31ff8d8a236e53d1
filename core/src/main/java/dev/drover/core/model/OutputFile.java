package dev.drover.core.model;

/**
 * One file a task left in its {@code $DROVER_OUTPUT_DIR}, as uploaded to the payload store.
 *
 * @param path   relative to the output directory, with {@code /} separators
 * @param bytes  its size
 * @param sha256 lower-case hex SHA-256 of its content
 */
public record OutputFile(String path, long bytes, String sha256) {}
