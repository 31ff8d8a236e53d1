package dev.drover.core.model;

/**
 * That a task has started on the worker that sent the batch carrying it. Starts travel with the
 * next result batch (or alone, at most a few times a second), never one message a task; the
 * scheduler applies one only to a task that is not final, so a late or repeated start is harmless.
 */
public record TaskStart(String jobId, long seq, long startedAt) {}
