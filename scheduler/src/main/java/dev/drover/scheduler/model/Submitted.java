package dev.drover.scheduler.model;

/** What a submit answers: the job, and whether this submit made it (false: its idempotency key had made it already). */
public record Submitted(JobView job, boolean created) {}
