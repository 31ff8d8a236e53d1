package dev.drover.bench.suite;

import dev.drover.aws.AwsSettings;
import dev.drover.core.exec.TaskEnvironment;
import dev.drover.service.ServiceOptions;
import dev.drover.service.SchedulerService;
import dev.drover.service.WorkerJit;
import dev.drover.service.EmbeddedAws;
import dev.drover.core.codec.Json;
import dev.drover.core.files.FilesPack;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import dev.drover.core.port.PayloadStore;
import dev.drover.core.retention.StoreRetention;
import dev.drover.localaws.ProcessFleetLauncher;
import dev.drover.scheduler.model.JobView;
import dev.drover.scheduler.Scheduler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code drover bench --files}: what a job's files and outputs cost.
 * <ul>
 *   <li>Files in: {@code tasks × true} on the in-JVM pool, without files and with a files directory of
 *       {@code filesMb} MB ({@code filesMb} files of 1 MB), in one run; the time each task took
 *       (its result's {@code finishedAt - startedAt}, which covers filling its working directory), after
 *       each worker's first task, with files minus without. With the cache lending untouched copies
 *       again (Drover's default), and with a fresh copy for every task (how it was before).</li>
 *   <li>Outputs out: {@code tasks} tasks each writing {@code outputMb} MB to {@code $DROVER_OUTPUT_DIR} on
 *       local AWS (worker processes, s3proxy on disk), beside a raw PutObject loop of the same files with
 *       the same concurrency on the same s3proxy: MB/s of each and the ratio.</li>
 * </ul>
 */
final class FilesBench {
    private final Path dir;
    private final PrintWriter log;
    private final Clock clock = Clock.systemUTC();
    private final long started = System.nanoTime();
    final Map<String, Object> figures = new LinkedHashMap<>();

    FilesBench(Path dir, PrintWriter log) {
        this.dir = dir;
        this.log = log;
    }

    // --- files in --------------------------------------------------------------------------------

    void filesIn(int workers, int tasks, int filesMb) throws Exception {
        Path files = Files.createDirectories(dir.resolve("files"));
        Random random = new Random(1);
        byte[] mb = new byte[1 << 20];
        for (int i = 0; i < filesMb; i++) {
            random.nextBytes(mb);
            Files.write(Files.createDirectories(files.resolve("d" + i % 10)).resolve("part-" + i + ".bin"), mb);
        }
        say("packing " + filesMb + " MB of files");
        FilesPack.Pack pack = FilesPack.pack(files, FilesPack.DEFAULT_LIMIT, Files.createDirectories(dir.resolve("scratch")));
        byte[] workload = ("true\n").repeat(tasks).getBytes(StandardCharsets.UTF_8);
        figures.put("files.tasks", tasks);
        figures.put("files.workers", workers);
        figures.put("files.mb", filesMb);
        figures.put("files.entries", pack.entries());
        for (boolean reuse : new boolean[] {true, false}) {
            String mode = reuse ? "lent" : "copied";
            try (SchedulerService service = SchedulerService.start(ServiceOptions.of(dir.resolve("sched-" + mode), clock,
                    new ServiceOptions.InJvmPool(workers, StoreRetention.DEFAULT_RETENTION, reuse,
                            TaskEnvironment.fromWorker(System.getenv()))))) {
                Scheduler scheduler = service.scheduler();
                try (InputStream in = Files.newInputStream(pack.file())) {
                    scheduler.putFiles(pack.sha256(), in, FilesPack.DEFAULT_LIMIT);
                }
                say("files in (" + mode + "): warm-up");
                job(scheduler, ("true\n").repeat(50).getBytes(StandardCharsets.UTF_8), null);
                job(scheduler, ("true\n").repeat(50).getBytes(StandardCharsets.UTF_8), pack.sha256());
                say("files in (" + mode + "): " + tasks + " x true without files, with files, without again");
                Job without1 = job(scheduler, workload, null);
                Job with = job(scheduler, workload, pack.sha256());
                Job without2 = job(scheduler, workload, null);
                double base = (without1.meanAfterFirstMs + without2.meanAfterFirstMs) / 2;
                double added = with.meanAfterFirstMs - base;
                double addedWall = (with.wallSeconds - (without1.wallSeconds + without2.wallSeconds) / 2) * 1000 * workers / tasks;
                figures.put("files." + mode + ".withoutMsPerTask", base);
                figures.put("files." + mode + ".withMsPerTask", with.meanAfterFirstMs);
                figures.put("files." + mode + ".addedMsPerTask", added);
                figures.put("files." + mode + ".addedWallMsPerTask", addedWall);
                figures.put("files." + mode + ".withoutWallSeconds", (without1.wallSeconds + without2.wallSeconds) / 2);
                figures.put("files." + mode + ".withWallSeconds", with.wallSeconds);
                figures.put("files." + mode + ".copiesMade", service.pool().orElseThrow().filesCache().copiesMade());
                figures.put("files." + mode + ".copiesLentAgain", service.pool().orElseThrow().filesCache().copiesLentAgain());
                say(String.format(Locale.ROOT, "  %s: %.3f ms a task without files (%.3f then %.3f), %.3f with: %+.3f ms"
                                + " added a task after each worker's first (from wall times: %+.3f ms)", mode, base,
                        without1.meanAfterFirstMs, without2.meanAfterFirstMs, with.meanAfterFirstMs, added, addedWall));
            }
        }
    }

    /** A finished job: its wall time, its mean task time after each worker's first, and its status (request counts). */
    private record Job(double wallSeconds, double meanAfterFirstMs, JobView view) {}

    private Job job(Scheduler scheduler, byte[] workload, String files) throws Exception {
        long t0 = System.nanoTime();
        JobView v = scheduler.submit(new ByteArrayInputStream(workload), "files-bench", "bench", files);
        scheduler.awaitDone(v.jobId());
        double wall = (System.nanoTime() - t0) / 1e9;
        List<TaskResult> results = results(scheduler, v.jobId());
        Map<String, TaskResult> first = new HashMap<>();
        for (TaskResult r : results) {
            if (r.status() != TaskStatus.SUCCEEDED) {
                throw new IllegalStateException("task " + r.seq() + " " + r.status() + ": " + r.error() + " " + r.stderr());
            }
            first.merge(r.worker(), r, (a, b) -> a.startedAt() <= b.startedAt() ? a : b);
        }
        long sum = 0;
        int n = 0;
        for (TaskResult r : results) {
            if (first.get(r.worker()) != r) {
                sum += r.durationMillis();
                n++;
            }
        }
        return new Job(wall, n == 0 ? 0 : (double) sum / n, scheduler.status(v.jobId()).orElseThrow());
    }

    private static List<TaskResult> results(Scheduler scheduler, String jobId) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        scheduler.streamResults(jobId, out, false);
        List<TaskResult> results = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                results.add(Json.result(line));
            }
        }
        return results;
    }

    // --- outputs out ------------------------------------------------------------------------------

    void outputsOut(int processes, int threadsPerProcess, int tasks, int outputMb) throws Exception {
        int concurrency = processes * threadsPerProcess;
        long bytes = (long) outputMb << 20;
        figures.put("outputs.tasks", tasks);
        figures.put("outputs.mbPerTask", outputMb);
        figures.put("outputs.concurrency", concurrency);
        say("starting local AWS (s3proxy on disk)");
        try (EmbeddedAws aws = new EmbeddedAws(Optional.of(Files.createDirectories(dir.resolve("local-aws"))))) {
            S3Client s3 = aws.aws.s3();
            String bucket = aws.emulators.endpoints().bucket();
            PayloadStore store = aws.backend.payloads();
            // the raw loop: the same bytes from a file, PutObject, the same number of threads
            Path file = dir.resolve("raw.bin");
            Files.write(file, new byte[(int) bytes]);
            say("raw PutObject loop: warm-up");
            rawLoop(s3, bucket, file, concurrency, 50, "raw-warm/");
            try (ProcessFleetLauncher fleet = new ProcessFleetLauncher(EmbeddedAws.workerCommand(threadsPerProcess, "120s"),
                    aws.emulators.endpoints().workerEnvironment(), dir.resolve("workers"), clock);
                 SchedulerService service = SchedulerService.start(ServiceOptions.of(dir.resolve("sched-out"), clock,
                         new ServiceOptions.Remote(aws.backend, concurrency)))) {
                Scheduler scheduler = service.scheduler();
                fleet.launch(processes);
                String line = "head -c " + bytes + " /dev/zero > \"$DROVER_OUTPUT_DIR/out.bin\"\n";
                say("outputs out: warm-up (" + processes + " worker processes x " + threadsPerProcess + " threads)");
                job(scheduler, line.repeat(Math.max(50, concurrency * 10)).getBytes(StandardCharsets.UTF_8), null);
                clean(store);
                say("raw PutObject loop: " + tasks + " x " + outputMb + " MB, " + concurrency + " threads");
                Map<String, Double> cpu = ProcessCpu.now();
                double raw = rawLoop(s3, bucket, file, concurrency, tasks, "raw/");
                cpu("raw", cpu);
                clean(store);
                say("outputs out: " + tasks + " tasks x " + outputMb + " MB");
                cpu = ProcessCpu.now();
                Job drover = job(scheduler, line.repeat(tasks).getBytes(StandardCharsets.UTF_8), null);
                cpu("drover", cpu);
                requests("drover", drover);
                clean(store);
                say("the same tasks writing to their working directory instead (nothing uploaded)");
                String local = "head -c " + bytes + " /dev/zero > out.bin\n";
                cpu = ProcessCpu.now();
                Job noOutputs = job(scheduler, local.repeat(tasks).getBytes(StandardCharsets.UTF_8), null);
                cpu("noUpload", cpu);
                requests("noUpload", noOutputs);
                figures.put("outputs.noUploadSeconds", noOutputs.wallSeconds);
                figures.put("outputs.droverTaskMs", drover.meanAfterFirstMs);
                figures.put("outputs.noUploadTaskMs", noOutputs.meanAfterFirstMs);
                say(String.format(Locale.ROOT, "  a task took %.1f ms writing and uploading its output, %.1f ms writing it only",
                        drover.meanAfterFirstMs, noOutputs.meanAfterFirstMs));
                say("the same uploads through Drover's store code in this JVM");
                double storeSeconds = UploadLoop.seconds(concurrency, tasks,
                        i -> store.putFileSha256(PayloadStore.OUTPUTS_PREFIX + "store/" + i, file));
                figures.put("outputs.storeLoopSeconds", storeSeconds);
                say(String.format(Locale.ROOT, "the same uploads through Drover's store code (putFileSha256) in this JVM: %.2f s",
                        storeSeconds));
                clean(store);
                say("raw PutObject loop again");
                double raw2 = rawLoop(s3, bucket, file, concurrency, tasks, "raw2/");
                clean(store);
                // the SDK's own defaults over plain HTTP: a SHA-256 of the payload to sign it, and a CRC32
                try (S3Client signing = S3Client.builder().region(Region.of(aws.aws.settings().region()))
                        .endpointOverride(aws.aws.settings().s3EndpointOverride().orElseThrow()).forcePathStyle(true)
                        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                                AwsSettings.DUMMY_ACCESS_KEY_ID, AwsSettings.DUMMY_SECRET_ACCESS_KEY)))
                        .build()) {
                    say("raw PutObject loop with the SDK's default signing (payload SHA-256 + CRC32 over HTTP)");
                    rawLoop(signing, bucket, file, concurrency, 50, "raw-signed-warm/");
                    double signed = rawLoop(signing, bucket, file, concurrency, tasks, "raw-signed/");
                    clean(store);
                    figures.put("outputs.rawSignedSeconds", signed);
                    say(String.format(Locale.ROOT, "  %.2f s", signed));
                }
                double rawMbs = tasks * (double) outputMb / ((raw + raw2) / 2);
                double droverMbs = tasks * (double) outputMb / drover.wallSeconds;
                figures.put("outputs.rawSeconds", (raw + raw2) / 2);
                figures.put("outputs.droverSeconds", drover.wallSeconds);
                figures.put("outputs.rawMBps", rawMbs);
                figures.put("outputs.droverMBps", droverMbs);
                figures.put("outputs.ratio", droverMbs / rawMbs);
                say(String.format(Locale.ROOT, "  raw %.1f MB/s (%.1f s, then %.1f s), Drover %.1f MB/s (%.1f s): %.0f %%", rawMbs,
                        raw, raw2, droverMbs, drover.wallSeconds, 100 * droverMbs / rawMbs));
                bestOnThisMachine((raw + raw2) / 2);
            }
            // the same job on worker processes with the whole JIT (C1 then C2) instead of C2 for digests only
            List<String> c2 = new ArrayList<>(EmbeddedAws.workerCommand(threadsPerProcess, "120s"));
            // every flag WorkerJit adds: the directives, and the tier-4 thresholds that would make C2 compile early
            c2.removeIf(flag -> flag.startsWith("-XX:CompilerDirectivesFile=") || flag.startsWith("-XX:Tier4")
                    || flag.equals("-XX:+UnlockDiagnosticVMOptions"));
            try (ProcessFleetLauncher fleet = new ProcessFleetLauncher(c2, aws.emulators.endpoints().workerEnvironment(),
                    dir.resolve("workers-c2"), clock);
                 SchedulerService service = SchedulerService.start(ServiceOptions.of(dir.resolve("sched-out-c2"), clock,
                         new ServiceOptions.Remote(aws.backend, concurrency)))) {
                Scheduler scheduler = service.scheduler();
                fleet.launch(processes);
                String line = "head -c " + bytes + " /dev/zero > \"$DROVER_OUTPUT_DIR/out.bin\"\n";
                say("outputs out, C2 workers: warm-up");
                job(scheduler, line.repeat(Math.max(50, concurrency * 10)).getBytes(StandardCharsets.UTF_8), null);
                clean(store);
                say("outputs out, C2 workers: " + tasks + " tasks x " + outputMb + " MB");
                Job c2Job = job(scheduler, line.repeat(tasks).getBytes(StandardCharsets.UTF_8), null);
                clean(store);
                figures.put("outputs.droverC2Seconds", c2Job.wallSeconds);
                figures.put("outputs.droverC2MBps", tasks * (double) outputMb / c2Job.wallSeconds);
                say(String.format(Locale.ROOT, "  %.2f s, %.1f MB/s", c2Job.wallSeconds, tasks * (double) outputMb / c2Job.wallSeconds));
            }
        }
    }

    /**
     * The most Drover could reach on this machine when its cores are the limit: the job cannot take less
     * than the CPU of the same tasks without uploads (Drover's own part included) plus s3proxy's CPU
     * for the same puts, spread over every core. That is a Drover whose uploads cost its workers nothing.
     */
    private void bestOnThisMachine(double rawSeconds) {
        Object server = figures.get("outputs.cpu.raw.s3proxy");
        Object tasksAlone = figures.get("outputs.cpu.noUpload." + ProcessCpu.MACHINE);
        if (server == null || tasksAlone == null) {
            return; // not Linux: no machine total
        }
        int cores = Runtime.getRuntime().availableProcessors();
        double floor = ((double) server + (double) tasksAlone) / cores;
        figures.put("outputs.floorSeconds", floor);
        figures.put("outputs.bestRatio", rawSeconds / floor);
        say(String.format(Locale.ROOT, "  at best on %d cores: %.2f s (%.1f CPU s for the tasks without uploads"
                + " + %.1f CPU s of s3proxy for the puts), %.0f %% of raw", cores, floor, tasksAlone, server, 100 * rawSeconds / floor));
    }

    /** Records and prints the CPU seconds each group of processes used in a phase. */
    private void cpu(String phase, Map<String, Double> before) {
        Map<String, Double> used = ProcessCpu.since(before);
        used.forEach((group, s) -> figures.put("outputs.cpu." + phase + "." + group, s));
        StringBuilder line = new StringBuilder("  CPU seconds:");
        used.forEach((group, s) -> line.append(String.format(Locale.ROOT, " %s %.1f,", group, s)));
        say(line.substring(0, line.length() - 1));
    }

    private void requests(String phase, Job job) {
        figures.put("outputs.requests." + phase + ".sqs", job.view.sqsRequests());
        figures.put("outputs.requests." + phase + ".dynamoWrites", job.view.dynamoWrites());
        figures.put("outputs.requests." + phase + ".s3", job.view.s3Requests());
        say(String.format(Locale.ROOT, "  requests: SQS %d, DynamoDB writes %d, S3 %d", job.view.sqsRequests(),
                job.view.dynamoWrites(), job.view.s3Requests()));
    }

    /** Seconds for {@code count} PutObjects of the file on {@code threads} threads. */
    private static double rawLoop(S3Client s3, String bucket, Path file, int threads, int count, String prefix)
            throws Exception {
        return UploadLoop.seconds(threads, count, i -> s3.putObject(b -> b.bucket(bucket).key(PayloadStore.OUTPUTS_PREFIX + prefix + i),
                RequestBody.fromFile(file)));
    }

    /** Deletes every output, so the emulator's disk holds one phase's objects at a time. */
    private static void clean(PayloadStore store) {
        store.list(PayloadStore.OUTPUTS_PREFIX).forEach(o -> store.delete(o.key()));
    }

    /** The figures as a Markdown section of the bench's report. */
    String markdown() {
        return FilesBenchReport.markdown(figures);
    }

    private void say(String line) {
        log.printf(Locale.ROOT, "[%6.1fs] %s%n", (System.nanoTime() - started) / 1e9, line);
        log.flush();
    }
}
