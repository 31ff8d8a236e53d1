package dev.drover.core.worker;

/** Why a worker stopped. */
public enum ExitReason {
    /** Nothing to do for its idle timeout. */
    IDLE,
    /** Asked to stop (SIGTERM): finished its running tasks, handed back the rest. */
    DRAINED,
    /** Asked to stop at once (spot interruption): killed its tasks and handed every bundle back. */
    HANDED_BACK,
    /** A failure that trying again cannot fix (no such queue, access denied): handed everything back. */
    FAILED
}
