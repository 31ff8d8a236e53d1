package dev.drover.scheduler.job;

import dev.drover.core.model.TaskInput;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import dev.drover.core.workload.Stage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongFunction;

/**
 * What a job's tasks wait on, counted per {@link Stage}, never per edge: for each stage, how many
 * tasks of the stages it waits on whole have not yet succeeded, decremented as their results are
 * recorded; a replica-wise wait reads the status of the one task it waits on. So whether a task
 * may go costs a binary search over the stages and a comparison, and a reduce waiting on 100,000
 * tasks costs one counter. Nothing here is saved: the counts are a function of the job's results,
 * which are in the job store, so a restarted scheduler rebuilds them by replaying those results.
 * Not thread-safe: its {@link JobState} holds the lock.
 */
public final class Dependencies {
    static final Dependencies NONE = new Dependencies(List.of());

    /** Whether a task may be sent now: yes, not yet, or never (a task it waits on did not succeed). */
    public enum Gate { READY, WAITING, BLOCKED }

    /** One stage's progress: its tasks that have ended, and those of them that succeeded. */
    public record StageProgress(Stage stage, long ended, long succeeded) {}

    private final Stage[] stages;
    private final long[] firstSeqs;
    private final long[] unmet;
    private final long[] ended;
    private final long[] succeeded;
    /** Per stage: the first of its tasks that ended without succeeding, or -1. */
    private final long[] failed;
    /** Per stage: the stages that wait on it whole; and whether any stage waits on it at all. */
    private final int[][] downstream;
    private final boolean[] awaited;
    /** Per stage: the outputs its tasks see of the stages they wait on whole (the same for each of its tasks). */
    private final List<List<TaskInput>> inputs = new ArrayList<>();

    Dependencies(List<Stage> list) {
        int n = list.size();
        stages = list.toArray(new Stage[0]);
        firstSeqs = new long[n];
        unmet = new long[n];
        ended = new long[n];
        succeeded = new long[n];
        failed = new long[n];
        Arrays.fill(failed, -1);
        awaited = new boolean[n];
        List<List<Integer>> down = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            down.add(new ArrayList<>(1));
        }
        for (Stage s : stages) {
            firstSeqs[s.index()] = s.firstSeq();
            for (int u : s.after()) {
                unmet[s.index()] += stages[u].size();
                down.get(u).add(s.index());
                awaited[u] = true;
            }
            if (s.afterReplica() >= 0) {
                awaited[s.afterReplica()] = true;
            }
        }
        downstream = new int[n][];
        for (int i = 0; i < n; i++) {
            downstream[i] = down.get(i).stream().mapToInt(Integer::intValue).toArray();
            inputs.add(stages[i].after().stream()
                    .map(u -> new TaskInput(stages[u].name(), stages[u].firstSeq(), (int) stages[u].size(), 0)).toList());
        }
    }

    boolean isEmpty() {
        return stages.length == 0;
    }

    /** The stage holding this task, or -1. */
    int stageOf(long seq) {
        int i = Arrays.binarySearch(firstSeqs, seq);
        if (i < 0) {
            i = -i - 2;
        }
        return i >= 0 && seq < stages[i].endSeq() ? i : -1;
    }

    /** True if some stage waits on the stage holding this task. */
    boolean awaited(long seq) {
        int s = stageOf(seq);
        return s >= 0 && awaited[s];
    }

    Stage stage(int index) {
        return stages[index];
    }

    /** Counts a task's first final result; true if some stage waits on its stage (it may now go, or be blocked). */
    boolean recorded(TaskResult r) {
        int s = stageOf(r.seq());
        if (s < 0) {
            return false;
        }
        ended[s]++;
        boolean ok = r.status() == TaskStatus.SUCCEEDED;
        if (ok) {
            succeeded[s]++;
        } else if (failed[s] < 0) {
            failed[s] = r.seq();
        }
        for (int d : downstream[s]) {
            if (ok || stages[d].anyway()) {
                unmet[d]--;
            }
        }
        return awaited[s];
    }

    /**
     * Tasks that cannot go yet: those of stages still waiting (or blocked) on lines they wait on
     * whole, and of replica-wise stages, those whose paired task has not succeeded.
     */
    long notReady(LongFunction<TaskStatus> status) {
        long n = 0;
        for (Stage stage : stages) {
            if (unmet[stage.index()] > 0) {
                n += stage.size() - ended[stage.index()];
            } else if (stage.afterReplica() >= 0) {
                long up = stages[stage.afterReplica()].firstSeq();
                for (long seq = stage.firstSeq(); seq < stage.endSeq(); seq++) {
                    if (!status.apply(seq).isFinal()
                            && status.apply(up + (seq - stage.firstSeq()) % stage.replicas()) != TaskStatus.SUCCEEDED) {
                        n++;
                    }
                }
            }
        }
        return n;
    }

    /** Whether task {@code seq} (replica {@code replica} of its line) may go; {@code status} gives any task's status. */
    Gate gate(long seq, int replica, LongFunction<TaskStatus> status) {
        int s = stageOf(seq);
        if (s < 0) {
            return Gate.READY;
        }
        Stage stage = stages[s];
        if (stage.afterReplica() >= 0) {
            TaskStatus up = status.apply(replicaTask(stage, replica));
            if (!up.isFinal()) {
                return Gate.WAITING;
            }
            if (up != TaskStatus.SUCCEEDED) {
                return Gate.BLOCKED;
            }
        }
        if (unmet[s] == 0) {
            return Gate.READY;
        }
        return !stage.anyway() && blocker(stage) >= 0 ? Gate.BLOCKED : Gate.WAITING;
    }

    /** The task whose end without success blocks task {@code seq}, or -1. */
    long blockerOf(long seq, int replica, LongFunction<TaskStatus> status) {
        int s = stageOf(seq);
        if (s < 0) {
            return -1;
        }
        Stage stage = stages[s];
        if (stage.afterReplica() >= 0) {
            long up = replicaTask(stage, replica);
            TaskStatus st = status.apply(up);
            if (st.isFinal() && st != TaskStatus.SUCCEEDED) {
                return up;
            }
        }
        return stage.anyway() ? -1 : blocker(stage);
    }

    private long blocker(Stage stage) {
        for (int u : stage.after()) {
            if (failed[u] >= 0) {
                return failed[u];
            }
        }
        return -1;
    }

    private long replicaTask(Stage stage, int replica) {
        return stages[stage.afterReplica()].firstSeq() + replica;
    }

    /** The outputs task {@code seq} (replica {@code replica} of its line) sees of the tasks it waits on. */
    List<TaskInput> inputs(long seq, int replica) {
        int s = stageOf(seq);
        if (s < 0) {
            return List.of();
        }
        int r = stages[s].afterReplica();
        if (r < 0) {
            return inputs.get(s);
        }
        List<TaskInput> all = new ArrayList<>(inputs.get(s));
        all.add(new TaskInput(stages[r].name(), stages[r].firstSeq() + replica, 1, replica));
        return all;
    }

    /**
     * What task {@code seq} still waits for, one sentence each: "waiting for line L (name) of job J:
     * 37 of 100 done", or the task whose end without success blocks it. Empty if it waits on nothing now.
     */
    List<String> waitingFor(String jobId, long seq, LongFunction<TaskStatus> status) {
        int s = stageOf(seq);
        if (s < 0) {
            return List.of();
        }
        Stage stage = stages[s];
        List<String> out = new ArrayList<>();
        for (int u : stage.after()) {
            Stage up = stages[u];
            if (!stage.anyway() && failed[u] >= 0) {
                out.add("task " + failed[u] + " of line " + up.firstLine() + " (" + up.name() + ") ended "
                        + status.apply(failed[u]) + ": this task will be cancelled (reason dependency)");
            } else if ((stage.anyway() ? ended[u] : succeeded[u]) < up.size()) {
                out.add("waiting for line " + up.firstLine() + " (" + up.name() + ") of job " + jobId + ": "
                        + (stage.anyway() ? ended[u] : succeeded[u]) + " of " + up.size() + (stage.anyway() ? " ended" : " done"));
            }
        }
        if (stage.afterReplica() >= 0) {
            Stage up = stages[stage.afterReplica()];
            int replica = (int) ((seq - stage.firstSeq()) % stage.replicas());
            long task = up.firstSeq() + replica;
            TaskStatus st = status.apply(task);
            if (st != TaskStatus.SUCCEEDED) {
                out.add((st.isFinal() ? "task " + task + " of line " + up.firstLine() + " (" + up.name() + ") ended " + st
                        + ": this task will be cancelled (reason dependency)"
                        : "waiting for replica " + replica + " of line " + up.firstLine() + " (" + up.name() + ") of job "
                        + jobId + ": task " + task + " is " + st));
            }
        }
        return out;
    }

    /** Every stage's progress, in file order. */
    List<StageProgress> progress() {
        List<StageProgress> out = new ArrayList<>(stages.length);
        for (int i = 0; i < stages.length; i++) {
            out.add(progress(i));
        }
        return out;
    }

    private StageProgress progress(int s) {
        return new StageProgress(stages[s], ended[s], succeeded[s]);
    }
}
