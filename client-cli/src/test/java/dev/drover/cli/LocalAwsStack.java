package dev.drover.cli;

import dev.drover.core.codec.Json;
import dev.drover.core.model.TaskResult;
import dev.drover.localaws.ProcessFleetLauncher;
import dev.drover.scheduler.Scheduler;
import dev.drover.scheduler.auth.Accounts;
import dev.drover.service.EmbeddedAws;
import dev.drover.service.SchedulerService;
import dev.drover.service.ServiceOptions;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One local AWS (the SQS, DynamoDB and S3 emulators) for a test class, and what its end-to-end tests
 * build on it, the same way each time: worker processes, and schedulers through the service module's
 * assembly ({@link SchedulerService}), as {@code drover scheduler -rw} builds them. A test class holds it as
 * {@code @RegisterExtension static final LocalAwsStack stack = new LocalAwsStack();}: the emulators start
 * before the class's first test and stop after its last.
 */
final class LocalAwsStack implements BeforeAllCallback, AfterAllCallback {
    static final Clock CLOCK = Clock.systemUTC();

    /** The emulators and the AWS clients on them, from the class's start to its end. */
    EmbeddedAws aws;

    @Override
    public void beforeAll(ExtensionContext context) {
        aws = new EmbeddedAws(Optional.empty());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        aws.close();
    }

    /**
     * {@code count} worker processes of {@code threads} threads, stopping after {@code idle} without work,
     * launched now; {@code env} adds to (or overrides) the stack's worker environment.
     */
    ProcessFleetLauncher workers(Path dir, int count, int threads, String idle, Map<String, String> env) {
        ProcessFleetLauncher launcher = launcher(dir, threads, idle, env);
        launcher.launch(count);
        return launcher;
    }

    /** The same launcher, nothing launched yet: for a test that starts its workers once its schedulers listen. */
    ProcessFleetLauncher launcher(Path dir, int threads, String idle, Map<String, String> env) {
        Map<String, String> all = new HashMap<>(aws.emulators.endpoints().workerEnvironment());
        all.putAll(env);
        return new ProcessFleetLauncher(EmbeddedAws.workerCommand(threads, idle), all, dir.resolve("workers"), CLOCK);
    }

    /** A scheduler on this stack, spooling in {@code dataDir}, sized for a fleet of {@code fleetThreads} task threads. */
    SchedulerService scheduler(Path dataDir, int fleetThreads) throws IOException {
        return SchedulerService.start(options(dataDir, fleetThreads));
    }

    /** The same, serving its HTTP API on loopback (any free port) to these users. */
    SchedulerService served(Path dataDir, int fleetThreads, Accounts accounts) throws IOException {
        return SchedulerService.start(options(dataDir, fleetThreads).withHttp(ServiceOptions.Http.loopback(accounts)));
    }

    private ServiceOptions options(Path dataDir, int fleetThreads) {
        return ServiceOptions.of(dataDir, CLOCK, new ServiceOptions.Remote(aws.backend, fleetThreads));
    }

    /** Submits a workload as user "test"; returns the job's id. */
    static String submit(Scheduler scheduler, String workload) throws Exception {
        return scheduler.submit(new ByteArrayInputStream(workload.getBytes(StandardCharsets.UTF_8)), "test.txt", "test").jobId();
    }

    /** Waits for the job's end, failing after {@code seconds}. */
    static void awaitDone(Scheduler scheduler, String jobId, int seconds) throws Exception {
        CompletableFuture.runAsync(() -> {
            try {
                scheduler.awaitDone(jobId);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }).get(seconds, TimeUnit.SECONDS);
    }

    /** The job's results as the scheduler streams them. */
    static List<TaskResult> results(Scheduler scheduler, String jobId) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        scheduler.streamResults(jobId, out, false);
        return out.toString(StandardCharsets.UTF_8).lines().map(Json::result).toList();
    }
}
