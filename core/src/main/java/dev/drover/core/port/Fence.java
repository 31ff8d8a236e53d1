package dev.drover.core.port;

/**
 * Who may write for a job, and under which epoch: every write a scheduler replica makes for a job it
 * owns is conditional on the job's epoch still being {@code epoch}. A takeover raises the epoch, so
 * the former owner's next write fails ({@link FencedOutException}) however late it arrives.
 */
public record Fence(String replica, long epoch) {
    public Fence {
        if (replica == null || replica.isBlank() || epoch < 1) {
            throw new IllegalArgumentException("a fence needs a replica and an epoch of at least 1: " + replica + "/" + epoch);
        }
    }
}
