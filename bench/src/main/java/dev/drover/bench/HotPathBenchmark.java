package dev.drover.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.drover.core.exec.TaskEnvironment;
import dev.drover.core.Usage;
import dev.drover.core.codec.Json;
import dev.drover.core.exec.Executors;
import dev.drover.core.exec.Outcome;
import dev.drover.core.model.Bundle;
import dev.drover.core.model.BundleSeal;
import dev.drover.core.model.ResultBatch;
import dev.drover.core.model.Task;
import dev.drover.core.model.TaskResult;

import dev.drover.core.workload.TaskSpec;
import dev.drover.core.workload.WorkloadException;
import dev.drover.core.workload.WorkloadReader;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Drover's per-task hot path without any queue or thread hand-off, as one worker and the scheduler
 * see a bundle of {@code sleep 0} tasks: parse the workload lines → number them into tasks → cut a
 * bundle → encode it (the request message) → decode it (the worker) → execute each task → build its
 * result → encode the result batch (the response message, as the worker writes it) → decode it (the scheduler's
 * collector).
 * Scores are per task; run with {@code -prof gc} for the allocation rate per task.
 *
 * <pre>java -jar bench/target/benchmarks.jar -prof gc</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HotPathBenchmark {
    /** Tasks per bundle (the dispatcher packs hundreds of {@code sleep 0} tasks into one message); see the annotations. */
    static final int TASKS = 100;
    private final int tasks = TASKS;

    private byte[] workload;
    private String bundleJson;
    private String batchJson;
    private ResultBatch batch;
    private final Executors executors = Executors.standard(TaskEnvironment.fromWorker(System.getenv()));

    @Setup
    public void setUp() throws WorkloadException {
        workload = "sleep 0\n".repeat(tasks).getBytes(StandardCharsets.UTF_8);
        Bundle bundle = bundle(parse());
        bundleJson = Json.write(bundle);
        batch = execute(bundle);
        batchJson = Json.write(batch);
    }

    private List<Task> parse() throws WorkloadException {
        List<Task> out = new ArrayList<>(tasks);
        try (WorkloadReader reader = new WorkloadReader(new ByteArrayInputStream(workload), "bench")) {
            long seq = 0;
            for (TaskSpec spec = reader.next(); spec != null; spec = reader.next()) {
                out.add(spec.toTask(seq++));
            }
        }
        return out;
    }

    private static Bundle bundle(List<Task> tasks) {
        return new Bundle("jbench:0:abcdef12", "jbench", 1_700_000_000_000L, tasks);
    }

    private ResultBatch execute(Bundle bundle) {
        List<TaskResult> results = new ArrayList<>(bundle.tasks().size());
        for (Task t : bundle.tasks()) {
            long started = System.currentTimeMillis();
            Outcome o = executors.run(bundle.jobId(), t, () -> false);
            results.add(new TaskResult(bundle.jobId(), t.seq(), t.line(), t.command(), o.status(), o.exitCode(), o.stdout(),
                    o.stderr(), o.stdoutTruncated(), o.stderrTruncated(), "bench-worker", bundle.dispatchedAt(), started,
                    System.currentTimeMillis(), 1, o.error()));
        }
        return new ResultBatch("bench-worker", bundle.jobId(), Usage.ZERO, 0, results);
    }

    /** The whole path, scheduler to worker and back. */
    @Benchmark
    @OperationsPerInvocation(TASKS)
    public ResultBatch endToEnd() throws WorkloadException {
        String request = Json.write(bundle(parse()));
        String response = Json.routed(execute(Json.bundle(request)));
        return Json.receivedBatch(response);
    }

    /** Reading the workload file into tasks. */
    @Benchmark
    @OperationsPerInvocation(TASKS)
    public List<Task> parseOnly() throws WorkloadException {
        return parse();
    }

    /** The request message: bundle encode and decode. */
    @Benchmark
    @OperationsPerInvocation(TASKS)
    public Bundle bundleCodec() {
        return Json.bundle(Json.write(Json.bundle(bundleJson)));
    }

    /** The worker's part: decode, execute, encode the result batch. */
    @Benchmark
    @OperationsPerInvocation(TASKS)
    public String worker() {
        return Json.routed(execute(Json.bundle(bundleJson)));
    }

    /** The worker's encoding of a result batch alone (its writer). */
    @Benchmark
    @OperationsPerInvocation(TASKS)
    public String resultEncode() {
        return Json.routed(batch);
    }

    /** The same with the mapper: the worker's encoding before its writer. */
    @Benchmark
    @OperationsPerInvocation(TASKS)
    public String resultEncodeMapper() {
        return Json.write(batch);
    }

    /** The worker's decoding of bundles as the dispatcher writes them (by hand: {@code BundleReader}), per task. */
    @Benchmark
    @OperationsPerInvocation(Bundles.TASKS)
    public void bundleDecode(Bundles b, Blackhole bh) {
        for (int i = 0; i < b.bundles; i++) {
            bh.consume(Json.bundle(b.json));
        }
    }

    /** The same with the mapper: the worker's decoding before its reader. */
    @Benchmark
    @OperationsPerInvocation(Bundles.TASKS)
    public void bundleDecodeMapper(Bundles b, Blackhole bh) throws JsonProcessingException {
        for (int i = 0; i < b.bundles; i++) {
            bh.consume(Bundles.MAPPER.readValue(b.json));
        }
    }

    /**
     * {@link #TASKS} tasks in sealed bundles of {@code size} {@code sleep 0} tasks, as the dispatcher writes them: one
     * task (a job's tail, a re-sent task) or hundreds (a long job's bundles).
     */
    @State(Scope.Thread)
    public static class Bundles {
        static final int TASKS = 500;
        static final ObjectReader MAPPER = Json.MAPPER.readerFor(Bundle.class);

        @Param({"1", "500"})
        int size;
        int bundles;
        String json;

        @Setup
        public void setUp() {
            List<Task> tasks = new ArrayList<>(size);
            for (int seq = 0; seq < size; seq++) {
                tasks.add(new Task(seq, seq + 1, "sleep 0", 0, 1, 1));
            }
            BundleSeal seal = new BundleSeal("0-" + (size - 1) + "@j0123abcd", "q2Vn3Jm5xY0aTgHb8WcR1w");
            json = Json.write(new Bundle("j0123abcd:0:" + size, "j0123abcd", 1_700_000_000_000L, tasks, seal));
            bundles = TASKS / size;
        }
    }

    /** The collector's part: decode a result batch, keeping each result's text for the log and the chunk. */
    @Benchmark
    @OperationsPerInvocation(TASKS)
    public void collector(Blackhole bh) {
        bh.consume(Json.receivedBatch(batchJson));
    }

    /** The same with the mapper and each result encoded again: the collector's path before it kept the texts. */
    @Benchmark
    @OperationsPerInvocation(TASKS)
    public void collectorMapper(Blackhole bh) {
        for (TaskResult r : Json.resultBatch(batchJson).results()) {
            bh.consume(Json.write(r));
        }
    }
}
