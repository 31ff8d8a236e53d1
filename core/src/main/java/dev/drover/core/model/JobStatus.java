package dev.drover.core.model;

/** Where a job is: accepted, with tasks on the queue, every task final, or cancelled. */
public enum JobStatus { SUBMITTED, RUNNING, DONE, CANCELLED }
