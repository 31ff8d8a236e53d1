package dev.drover.core.workload;

import java.util.List;

/**
 * A run of task lines that wait on the same lines, or one named line: the unit in which a job
 * counts its dependencies, so a line of 10,000 replicas waiting on another of 10,000 costs one
 * stage, not 10^8 edges. Stages cover only task lines that are named or wait; tasks between them
 * have none.
 *
 * @param index        its place among the workload's stages
 * @param name         the {@code @name} of its line, or null (then it is a run of unnamed lines)
 * @param firstLine    the line number of its first task line
 * @param firstSeq     its first task; its tasks are {@code firstSeq} … {@code endSeq - 1}
 * @param replicas     replicas per line (every line of a run has as many)
 * @param after        the stages whose every task it waits on ({@code @after}), by index
 * @param anyway       {@code @after-any}: it waits for them to end, and runs whatever their status
 * @param afterReplica the stage whose replica i its replica i waits on ({@code @after-replica}), or -1
 */
public record Stage(int index, String name, int firstLine, long firstSeq, long endSeq, int replicas, List<Integer> after,
                    boolean anyway, int afterReplica) {
    public Stage {
        after = List.copyOf(after);
    }

    public long size() {
        return endSeq - firstSeq;
    }

    /** True if it waits on some other stage. */
    public boolean waits() {
        return !after.isEmpty() || afterReplica >= 0;
    }
}
