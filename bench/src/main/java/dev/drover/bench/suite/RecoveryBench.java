package dev.drover.bench.suite;

import dev.drover.aws.AwsClients;
import dev.drover.aws.AwsSettings;
import dev.drover.aws.DroverResources;
import dev.drover.aws.DynamoDbJobStore;
import dev.drover.aws.S3PayloadStore;
import dev.drover.service.EmbeddedAws;
import dev.drover.core.UsageMeter;
import dev.drover.core.codec.Json;
import dev.drover.core.memory.InMemoryClaimStore;
import dev.drover.core.memory.InMemoryMessageQueue;
import dev.drover.core.model.JobStatus;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import dev.drover.core.port.JobRecord;
import dev.drover.core.port.JobStore;
import dev.drover.scheduler.model.Backend;
import dev.drover.scheduler.Scheduler;
import dev.drover.scheduler.model.SchedulerConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.HashMap;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.Executors;

/**
 * {@code drover bench --recovery}: a scheduler restarting on a stack with many ended jobs. Writes N ended
 * jobs of T tasks each (record and results in the jobs table of dynoxide, workload and result log in
 * a data directory, as an earlier scheduler leaves them), then starts a scheduler on them in a child JVM
 * with {@code -Xmx256m} and prints its time to ready and heap used, beside the same on an empty table.
 */
final class RecoveryBench {
    static final String READY = "recovery-ready ";
    final Map<String, Object> figures = new LinkedHashMap<>();
    private final Path work;
    private final PrintWriter err;

    RecoveryBench(Path work, PrintWriter err) {
        this.work = work;
        this.err = err;
    }

    void run(int jobs, int tasks) throws Exception {
        try (EmbeddedAws stack = new EmbeddedAws(Optional.empty())) {
            String full = stack.emulators.endpoints().jobsTable();
            String empty = "bench-empty-" + System.nanoTime();
            createTable(stack.aws, empty);
            Path fullDir = Files.createDirectories(work.resolve("full"));
            long t0 = System.nanoTime();
            write(stack.aws, full, fullDir, jobs, tasks);
            double writeSeconds = (System.nanoTime() - t0) / 1e9;
            err.printf("wrote %,d ended jobs of %d tasks in %.1f s%n", jobs, tasks, writeSeconds);
            figures.put("recovery.jobs", jobs);
            figures.put("recovery.tasksPerJob", tasks);
            figures.put("recovery.writeSeconds", round(writeSeconds));
            Map<String, String> env = stack.emulators.endpoints().workerEnvironment();
            put("recovery.empty", child(env, empty, Files.createDirectories(work.resolve("empty"))));
            put("recovery.full", child(env, full, fullDir));
        }
    }

    private void put(String prefix, long[] ready) {
        figures.put(prefix + ".readyMs", ready[0]);
        figures.put(prefix + ".heapMb", round(ready[1] / 1048576.0));
        figures.put(prefix + ".listMs", ready[2]);
        figures.put(prefix + ".heapAfterListMb", round(ready[3] / 1048576.0));
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static void createTable(AwsClients aws, String name) {
        List<KeySchemaElement> keys = List.of(
                KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build(),
                KeySchemaElement.builder().attributeName("sk").keyType(KeyType.RANGE).build());
        aws.dynamoDb().createTable(r -> r.tableName(name).keySchema(keys).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(keys.stream().map(k -> AttributeDefinition.builder().attributeName(k.attributeName())
                        .attributeType(ScalarAttributeType.S).build()).toList()));
    }

    /**
     * N ended jobs: the first through the real adapter, the others as copies of its items (new keys and
     * job id) put 25 a BatchWriteItem, so 10,000 jobs take seconds to write; each job's spool as the
     * scheduler writes it. A copy's results still name the first job: recovery does not read them.
     */
    private static void write(AwsClients aws, String table, Path dataDir, int jobs, int tasks) throws Exception {
        long now = System.currentTimeMillis();
        String template = "jbench-template";
        JobStore store = new DynamoDbJobStore(aws.dynamoDb(), table);
        List<TaskResult> results = new ArrayList<>(tasks);
        StringBuilder workload = new StringBuilder();
        for (int seq = 0; seq < tasks; seq++) {
            TaskStatus status = seq % 50 == 49 ? TaskStatus.FAILED : TaskStatus.SUCCEEDED;
            TaskResult r = new TaskResult(template, seq, seq + 1, "./simulate.sh --seed " + seq, status,
                    status == TaskStatus.FAILED ? 1 : 0, "result " + seq + ": 0.73519\n",
                    status == TaskStatus.FAILED ? "diverged at step 17\n" : "",
                    false, false, "w-" + (seq % 4), now - 60_000 + seq, now - 59_000 + seq, now - 58_000 + seq, 1, null);
            results.add(r);
            workload.append(r.command()).append('\n');
        }
        store.appendResults(template, "c1", results);
        store.save(new JobRecord(template, "w.txt", "ann", tasks, tasks, List.of(), JobStatus.DONE, now - 60_000, now - 1000,
                null, 0, null, null, Map.of(TaskStatus.SUCCEEDED, (long) tasks - tasks / 50, TaskStatus.FAILED, (long) tasks / 50)));
        List<Map<String, AttributeValue>> items = aws.dynamoDb().query(b -> b.tableName(table).consistentRead(true)
                .keyConditionExpression("pk = :pk").expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("job#" + template))))
                .items();
        String log = results.stream().map(Json::write).collect(Collectors.joining("\n", "", "\n"));
        ExecutorService pool = Executors.newFixedThreadPool(4, r -> new Thread(r, "drover-bench-writer"));
        List<Future<?>> done = new ArrayList<>();
        int perBatch = 25 / items.size();
        for (int first = 1; first < jobs; first += perBatch) {
            int from = first;
            int to = Math.min(jobs, first + perBatch);
            done.add(pool.submit(() -> {
                List<WriteRequest> puts = new ArrayList<>();
                for (int j = from; j < to; j++) {
                    String id = String.format("jbench%05d", j);
                    for (Map<String, AttributeValue> item : items) {
                        Map<String, AttributeValue> copy = new HashMap<>(item);
                        copy.put("pk", AttributeValue.fromS("job#" + id));
                        if (copy.containsKey("jobId")) {
                            copy.put("jobId", AttributeValue.fromS(id));
                        }
                        puts.add(WriteRequest.builder().putRequest(PutRequest.builder().item(copy).build()).build());
                    }
                    spool(dataDir, id, workload, log);
                }
                for (List<WriteRequest> left = puts; !left.isEmpty(); ) {
                    List<WriteRequest> batch = left;
                    left = aws.dynamoDb().batchWriteItem(b -> b.requestItems(Map.of(table, batch)))
                            .unprocessedItems().getOrDefault(table, List.of());
                }
                return null;
            }));
        }
        spool(dataDir, template, workload, log);
        try {
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void spool(Path dataDir, String id, CharSequence workload, String log) throws IOException {
        Path dir = Files.createDirectories(dataDir.resolve(id));
        Files.writeString(dir.resolve("workload.txt"), workload);
        Files.writeString(dir.resolve("results.jsonl"), log);
    }

    /** Starts {@link Child} in its own JVM: {ready ms, heap bytes, list ms, heap bytes after listing}. */
    private long[] child(Map<String, String> env, String table, Path dataDir) throws Exception {
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(javaBin.toString(), "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                Child.class.getName(), table, dataDir.toString()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        long[] out = null;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith(READY)) {
                    out = Arrays.stream(line.substring(READY.length()).trim().split(" ")).mapToLong(Long::parseLong).toArray();
                } else if (line.contains("ERROR") || line.contains("Exception")) {
                    err.println("child: " + line);
                }
            }
        }
        if (p.waitFor() != 0 || out == null) {
            throw new IllegalStateException("the child scheduler on " + table + " failed (exit " + p.exitValue() + ")");
        }
        err.printf("%s: ready in %d ms, heap %.1f MB; listing every job %d ms, heap %.1f MB%n", table, out[0],
                out[1] / 1048576.0, out[2], out[3] / 1048576.0);
        return out;
    }

    String markdown() {
        return String.format("""
                ## Scheduler restart with %,d ended jobs (%d tasks each), -Xmx256m

                | jobs table | time to ready | heap after ready | listing every job | heap after listing |
                |---|---|---|---|---|
                | empty | %d ms | %.1f MB | %d ms | %.1f MB |
                | %,d ended jobs | %d ms | %.1f MB | %d ms | %.1f MB |

                Heap is used bytes after a full GC. Ended jobs are recovered from their records alone: their results are read
                from the job store only when a task, the results or the failures of that job are asked for.
                """, figures.get("recovery.jobs"), figures.get("recovery.tasksPerJob"),
                figures.get("recovery.empty.readyMs"), figures.get("recovery.empty.heapMb"),
                figures.get("recovery.empty.listMs"), figures.get("recovery.empty.heapAfterListMb"),
                figures.get("recovery.jobs"), figures.get("recovery.full.readyMs"), figures.get("recovery.full.heapMb"),
                figures.get("recovery.full.listMs"), figures.get("recovery.full.heapAfterListMb"));
    }

    /** The scheduler under test: recovers from the jobs table named, on the emulators in its environment. */
    public static final class Child {
        private Child() {}

        public static void main(String[] args) throws Exception {
            Map<String, String> env = System.getenv();
            DroverResources names = DroverResources.fromEnvironment(env).orElseThrow();
            long t0 = System.nanoTime();
            try (AwsClients aws = new AwsClients(AwsSettings.fromEnvironment(env, Optional.empty()))) {
                Clock clock = Clock.systemUTC();
                Backend backend = new Backend(new InMemoryMessageQueue(clock), new InMemoryMessageQueue(clock), Optional.empty(),
                        new InMemoryClaimStore(), new S3PayloadStore(aws.s3(), names.bucket()),
                        Optional.of(new DynamoDbJobStore(aws.dynamoDb(), args[0])), UsageMeter.NONE);
                try (Scheduler scheduler = new Scheduler(SchedulerConfig.defaults(Path.of(args[1]), 4), backend, clock).start()) {
                    long ready = (System.nanoTime() - t0) / 1_000_000;
                    long heap = usedHeap();
                    long t1 = System.nanoTime();
                    int listed = scheduler.list().size();
                    long list = (System.nanoTime() - t1) / 1_000_000;
                    System.out.println(READY + ready + " " + heap + " " + list + " " + usedHeap() + " " + listed);
                }
            }
            System.exit(0);
        }

        private static long usedHeap() {
            Runtime rt = Runtime.getRuntime();
            for (int i = 0; i < 2; i++) {
                System.gc();
            }
            return rt.totalMemory() - rt.freeMemory();
        }
    }
}
