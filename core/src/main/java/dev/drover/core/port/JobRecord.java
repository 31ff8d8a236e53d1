package dev.drover.core.port;

import dev.drover.core.model.JobStatus;
import dev.drover.core.model.TaskStatus;
import java.util.List;
import java.util.Map;

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
 * @param budgetUsd  what the job may spend (requests and its share of EC2), or null: no budget
 * @param cancelReason why a cancelled job was cancelled ("cancelled" by a user, "budget"), or null
 * @param counts     tasks per final status once the job has ended (empty before, or if not known): a
 *                   restarted scheduler shows an ended job from these without reading its results
 * @param held       tasks below {@code dispatched} not sent yet because their stage waited when the
 *                   cursor passed it; empty if none: where the {@code sending} bundles start (-1: they
 *                   end at {@code dispatched}), then each held range's first task and end (exclusive)
 */
public record JobRecord(String jobId, String name, String owner, long total, long dispatched, List<Integer> sending,
                        JobStatus state, long submittedAt, long finishedAt, String files, int priority,
                        Double budgetUsd, String cancelReason, Map<TaskStatus, Long> counts, List<Long> held) {

    public JobRecord {
        sending = List.copyOf(sending);
        counts = Map.copyOf(counts);
        held = List.copyOf(held);
        if (held.size() % 2 != 1 && !held.isEmpty()) {
            throw new IllegalArgumentException("held: a start, then pairs of from and to: " + held);
        }
    }

    /** A record with no held tasks. */
    public JobRecord(String jobId, String name, String owner, long total, long dispatched, List<Integer> sending,
                     JobStatus state, long submittedAt, long finishedAt, String files, int priority,
                     Double budgetUsd, String cancelReason, Map<TaskStatus, Long> counts) {
        this(jobId, name, owner, total, dispatched, sending, state, submittedAt, finishedAt, files, priority, budgetUsd,
                cancelReason, counts, List.of());
    }

    public JobRecord(String jobId, String name, String owner, long total, long dispatched, List<Integer> sending,
                     JobStatus state, long submittedAt, long finishedAt, String files) {
        this(jobId, name, owner, total, dispatched, sending, state, submittedAt, finishedAt, files, 0, null, null, Map.of());
    }

    public JobRecord(String jobId, String name, String owner, long total, long dispatched, List<Integer> sending,
                     JobStatus state, long submittedAt, long finishedAt) {
        this(jobId, name, owner, total, dispatched, sending, state, submittedAt, finishedAt, null);
    }

    /** True once every task has a final status (done, or cancelled and every task reported). */
    public boolean ended() {
        return finishedAt > 0;
    }

    /** The same record without bundles being sent: an ended job re-sends nothing. */
    public JobRecord withoutSending() {
        return new JobRecord(jobId, name, owner, total, dispatched, List.of(), state, submittedAt, finishedAt, files, priority,
                budgetUsd, cancelReason, counts, heldWithoutSending());
    }

    private List<Long> heldWithoutSending() {
        if (held.size() <= 1) {
            return List.of();
        }
        List<Long> out = new java.util.ArrayList<>(held);
        out.set(0, -1L);
        return out;
    }

    /** The first task of the bundles in {@link #sending}: in a held range, or ending at {@code dispatched}. */
    public long sendingFrom() {
        return !held.isEmpty() && held.get(0) >= 0 ? held.get(0) : dispatched - sending.stream().mapToLong(Integer::longValue).sum();
    }
}
