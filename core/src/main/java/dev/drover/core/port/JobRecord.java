package dev.drover.core.port;

import dev.drover.core.model.JobStatus;
import java.util.List;

/**
 * A job's durable summary.
 *
 * @param dispatched how many tasks (in workload order) have been put on the request queue, or are
 *                   being put there now: a restarted scheduler resumes dispatch from here
 * @param sending    the sizes of the bundles being sent when this record was saved, which end at
 *                   {@code dispatched}: saved before the send, so a restarted scheduler re-sends
 *                   exactly those bundles under the same ids, and the claim store skips any that ran
 * @param files      the SHA-256 of the job's files pack ({@code files/<sha256>} in the payload store), or null
 * @param priority   the job's place among its owner's jobs: higher is dispatched first (default 0)
 */
public record JobRecord(String jobId, String name, String owner, long total, long dispatched, List<Integer> sending,
                        JobStatus state, long submittedAt, long finishedAt, String files, int priority) {

    public JobRecord {
        sending = List.copyOf(sending);
    }

    public JobRecord(String jobId, String name, String owner, long total, long dispatched, List<Integer> sending,
                     JobStatus state, long submittedAt, long finishedAt, String files) {
        this(jobId, name, owner, total, dispatched, sending, state, submittedAt, finishedAt, files, 0);
    }

    public JobRecord(String jobId, String name, String owner, long total, long dispatched, List<Integer> sending,
                     JobStatus state, long submittedAt, long finishedAt) {
        this(jobId, name, owner, total, dispatched, sending, state, submittedAt, finishedAt, null);
    }

    /** The first task of the bundles in {@link #sending}. */
    public long sendingFrom() {
        return dispatched - sending.stream().mapToLong(Integer::longValue).sum();
    }
}
