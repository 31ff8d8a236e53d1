package dev.drover.bench;

import dev.drover.core.Usage;
import dev.drover.core.codec.Json;
import dev.drover.core.model.BundleSeal;
import dev.drover.core.model.ResultBatch;
import dev.drover.core.model.ResultProof;
import dev.drover.core.model.Task;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import dev.drover.core.port.MessageQueue.QueueDepth;
import dev.drover.scheduler.collect.BundleProofs;
import dev.drover.scheduler.collect.ResultGate;
import dev.drover.scheduler.metrics.SchedulerMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The scheduler's per-result work on a result message, apart from its AWS calls: for one message of
 * {@value #RESULTS} {@code sleep 0} results under one bundle's proof, the proof check
 * ({@link ResultGate#admit}) and the latency metrics ({@link SchedulerMetrics#collected}). Scores are
 * per result, in nanoseconds.
 *
 * <pre>java -jar bench/target/benchmarks.jar CollectPath -prof gc</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CollectPathBenchmark {
    /** Results in one message: about what a worker of 4 threads sends on {@code sleep 0}. */
    static final int RESULTS = 500;
    private static final String JOB = "j01bench0000000000000000000000000000";

    private ResultGate gate;
    private ResultBatch batch;
    private SchedulerMetrics metrics;
    private long now;

    @Setup
    public void setUp() {
        BundleProofs proofs = new BundleProofs(new byte[32]);
        gate = new ResultGate(proofs, JOB::equals);
        List<Task> tasks = new ArrayList<>(RESULTS);
        List<TaskResult> results = new ArrayList<>(RESULTS);
        long t = 1_700_000_000_000L;
        for (int seq = 0; seq < RESULTS; seq++) {
            tasks.add(new Task(seq, seq + 1, "sleep 0", 0, 1, 1));
            results.add(new TaskResult(JOB, seq, seq + 1, "sleep 0", TaskStatus.SUCCEEDED, 0, "", "", false, false,
                    "i-0123456789abcdef0/3", t, t + 40 + seq % 7, t + 41 + seq % 7, 1, null));
        }
        BundleSeal seal = proofs.seal(JOB, tasks);
        String json = Json.write(new ResultBatch("i-0123456789abcdef0", JOB, Usage.ZERO, 0, results, List.of(),
                List.of(ResultProof.sign(seal, results, List.of()))));
        batch = Json.receivedBatch(json); // as the collector has it: each result with its text
        metrics = new SchedulerMetrics(List::of, () -> new QueueDepth(0, 0), () -> Usage.ZERO);
        now = t + 120;
    }

    /** The proof check of a whole message. */
    @Benchmark
    @OperationsPerInvocation(RESULTS)
    public ResultBatch admit() {
        return gate.admit(batch);
    }

    /** The three latency timers and the worker's count, for the message's fresh results. */
    @Benchmark
    @OperationsPerInvocation(RESULTS)
    public void metrics(Blackhole bh) {
        metrics.collected(batch.results(), now);
        bh.consume(metrics);
    }
}
