package dev.drover.bench;

import dev.drover.core.Usage;
import dev.drover.core.UsageMeter;
import dev.drover.core.codec.Json;
import dev.drover.core.memory.InMemoryMessageQueue;
import dev.drover.core.memory.InMemoryPayloadStore;
import dev.drover.core.model.BundleSeal;
import dev.drover.core.model.ResultBatch;
import dev.drover.core.model.ResultProof;
import dev.drover.core.model.Task;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import dev.drover.core.port.Message;
import dev.drover.core.port.MessageQueue;
import dev.drover.core.port.MessageQueue.QueueDepth;
import dev.drover.core.queue.CompressingMessageQueue;
import dev.drover.scheduler.collect.BundleProofs;
import dev.drover.scheduler.collect.ResultGate;
import dev.drover.scheduler.job.JobState;
import dev.drover.scheduler.job.Persistence;
import dev.drover.scheduler.job.ResultRecorder;
import dev.drover.scheduler.metrics.SchedulerMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The scheduler's per-result work on a result message, apart from its AWS calls: for one message of
 * {@value #RESULTS} {@code sleep 0} results under one bundle's proof, the proof check
 * ({@link ResultGate#admit}), the latency metrics ({@link SchedulerMetrics#collected}), the collector's
 * whole read of the message as it comes off the queue ({@link #receive}: inflate, read, check) and the
 * record stage ({@link #record}: a fresh job's state and result log take the message). Scores are per
 * result, in nanoseconds.
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
    private MessageQueue queue;
    private Message raw;
    private Path dir;
    private ResultRecorder recorder;
    private JobState job;

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
        queue = new CompressingMessageQueue(new InMemoryMessageQueue(Clock.systemUTC()));
        queue.send(List.of(Json.routed(Json.receivedBatch(json))));
        raw = queue.receiveRaw(1, Duration.ZERO, Duration.ofHours(1)).get(0); // deflated, as SQS gives it
        try {
            dir = Files.createTempDirectory("collect-path");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A job of the message's tasks none of which has a result yet: what {@link #record} records into. */
    @Setup(Level.Invocation)
    public void freshJob() {
        if (job != null) {
            job.log().close();
        }
        job = new JobState(JOB, "bench", "bench", RESULTS, now, dir.resolve("workload"), dir.resolve("results.jsonl"));
        recorder = new ResultRecorder(Map.of(JOB, job), new Persistence(Optional.empty(), new InMemoryPayloadStore()),
                UsageMeter.NONE, Clock.systemUTC(), (j, fresh, at) -> metrics.collected(fresh, at));
    }

    @TearDown
    public void tearDown() throws IOException {
        job.log().close();
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
    }

    /** The proof check of a whole message. */
    @Benchmark
    @OperationsPerInvocation(RESULTS)
    public ResultBatch admit() {
        return gate.admit(batch);
    }

    /** The collector's read of a message as received: inflated, read with each result's text, proof-checked. */
    @Benchmark
    @OperationsPerInvocation(RESULTS)
    public ResultBatch receive() {
        return gate.admit(Json.receivedBatch(queue.restore(raw).body()));
    }

    /** The record stage without a job store: the job's state and result log take the message, then the metrics. */
    @Benchmark
    @OperationsPerInvocation(RESULTS)
    public Object record() {
        return recorder.collect(List.of(new ResultRecorder.Incoming("m1", batch)));
    }

    /** The three latency timers and the worker's count, for the message's fresh results. */
    @Benchmark
    @OperationsPerInvocation(RESULTS)
    public void metrics(Blackhole bh) {
        metrics.collected(batch.results(), now);
        bh.consume(metrics);
    }
}
