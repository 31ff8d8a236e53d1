package dev.drover.scheduler.api;

import java.io.IOException;

/**
 * Recognises a disk that filled up under a request (ENOSPC: the JDK's {@code FileSystemException}
 * with the reason "No space left on device"), however the store wrapped it, so the client gets 507
 * Insufficient Storage, which is the server's state and not a bug, rather than 500.
 */
final class DiskFull {
    static final String REASON = "No space left on device";

    private DiskFull() {}

    static boolean causedBy(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof IOException && t.getMessage() != null && t.getMessage().contains(REASON)) {
                return true;
            }
        }
        return false;
    }

    static Refusal refusal() {
        return new Refusal(507, "the scheduler's disk is full: the request could not be stored;"
                + " try again once space is freed (its --data folder, or the in-JVM store's spool)");
    }
}
