package dev.drover.core.model;

/** Lifecycle of one task. The last four are final: once reached, a task never changes again. */
public enum TaskStatus {
    QUEUED, RUNNING, SUCCEEDED, FAILED, TIMED_OUT, CANCELLED;

    public boolean isFinal() {
        return ordinal() >= SUCCEEDED.ordinal();
    }
}
