package dev.drover.core.port;

/** A write for a job whose epoch is no longer the writer's: another replica has taken the job. */
public final class FencedOutException extends RuntimeException {
    private final String jobId;

    public FencedOutException(String jobId, Fence fence) {
        super("job " + jobId + " is no longer owned by replica " + fence.replica() + " at epoch " + fence.epoch());
        this.jobId = jobId;
    }

    public String jobId() {
        return jobId;
    }
}
