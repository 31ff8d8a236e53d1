package dev.drover.bench.suite;

import java.util.List;
import picocli.CommandLine.Option;

/** The options of the cases {@code drover bench} runs alone, instead of the matrix: one mixin a case. */
final class SingleCases {
    private SingleCases() {}

    /** {@code --files}: files in, outputs out. */
    static final class Files {
        @Option(names = "--files", description = "Only the files cases: a task's added time with a 100 MB files directory"
                + " (in-JVM pool), and 1 MB outputs beside a raw S3 PutObject loop (local AWS). Writes files.md and files.json.")
        boolean on;

        @Option(names = "--files-tasks", paramLabel = "N", defaultValue = "1000", description = "Tasks in each --files case (default: ${DEFAULT-VALUE}).")
        int tasks;

        @Option(names = "--files-case", paramLabel = "in|out", description = "With --files: only this case (default: both).")
        String only;
    }

    /** {@code --dashboard}: the dashboard's first render and its event stream. */
    static final class Dashboard {
        @Option(names = "--dashboard", description = "Only the dashboard case: its first render and its event stream's"
                + " bytes/s with 1,000 jobs and one of --dashboard-tasks tasks running on the in-JVM pool. Writes dashboard.md and dashboard.json.")
        boolean on;

        @Option(names = "--dashboard-tasks", paramLabel = "N", defaultValue = "1000000",
                description = "Tasks of the big job in --dashboard (default: ${DEFAULT-VALUE}).")
        int tasks;
    }

    /** {@code --recovery}: a restart with many ended jobs. */
    static final class Recovery {
        @Option(names = "--recovery", description = "Only the restart case: a scheduler in a child JVM with -Xmx256m recovering --recovery-jobs"
                + " ended jobs from dynoxide, beside an empty table. Writes recovery.md and recovery.json.")
        boolean on;

        @Option(names = "--recovery-jobs", paramLabel = "N", defaultValue = "10000", description = "Ended jobs for --recovery (default: ${DEFAULT-VALUE}).")
        int jobs;
    }

    /** {@code --replicas}: throughput, CPU and DynamoDB writes per task with 1, 2 and 3 scheduler replicas. */
    static final class Replicas {
        @Option(names = "--replicas", description = "Only the replicas case: 1, 2 and 3 `drover scheduler -rw --replica`"
                + " processes on one local AWS stack and 4 worker processes x 4 threads, --replicas-jobs concurrent jobs of"
                + " --replicas-tasks x sleep 0 each: tasks/s, each replica's CPU per task, DynamoDB writes per task. Writes replicas.md and replicas.json.")
        boolean on;

        @Option(names = "--replicas-counts", split = ",", paramLabel = "N", defaultValue = "1,2,3",
                description = "Replica counts to run (default: ${DEFAULT-VALUE}).")
        List<Integer> counts;

        @Option(names = "--replicas-jobs", paramLabel = "N", defaultValue = "6", description = "Concurrent jobs a case (default: ${DEFAULT-VALUE}).")
        int jobs;

        @Option(names = "--replicas-tasks", paramLabel = "N", defaultValue = "20000", description = "Tasks a job (default: ${DEFAULT-VALUE}).")
        int tasks;
    }

    /** {@code --scale}: many tasks through SQS, then simulated big fleets. */
    static final class Scale {
        @Option(names = "--scale", description = "Only the scale cases, in a JVM of their own at -Xmx512m: --scale-tasks x sleep 0"
                + " through local AWS, then simulated fleets of --scale-workers workers x 16 threads running 1 s tasks.")
        boolean on;

        @Option(names = "--scale-tasks", paramLabel = "N", defaultValue = "10000000",
                description = "Tasks of the --scale case through SQS (default: ${DEFAULT-VALUE}; 0 skips it).")
        int tasks;

        @Option(names = "--scale-workers", split = ",", paramLabel = "N", defaultValue = "100,1000",
                description = "Simulated fleet sizes of --scale, 16 threads each (default: ${DEFAULT-VALUE}).")
        List<Integer> workers;

        @Option(names = "--scale-replicas", paramLabel = "N", defaultValue = "1",
                description = "Scheduler replicas of the simulated fleets, all in the bench's JVM on the shared in-memory queues"
                        + " and tables, one job each: each replica's CPU and tasks (default: ${DEFAULT-VALUE}, a single scheduler).")
        int replicas;
    }
}
