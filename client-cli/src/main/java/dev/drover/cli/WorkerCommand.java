package dev.drover.cli;

import dev.drover.aws.AwsClients;
import dev.drover.aws.AwsSettings;
import dev.drover.aws.DroverResources;
import dev.drover.core.EnvironmentVariables;
import dev.drover.core.workload.Durations;
import dev.drover.core.worker.ExitReason;
import dev.drover.core.worker.WorkerConfig;
import dev.drover.core.worker.WorkerStats;
import dev.drover.remoteworker.InstanceShutdown;
import dev.drover.remoteworker.RemoteWorker;
import dev.drover.remoteworker.SpotInterruptionWatcher;
import org.slf4j.LoggerFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import dev.drover.core.exec.TaskUser;

@Command(name = "worker", mixinStandardHelpOptions = true,
        description = "Run a remote worker: take task bundles from the SQS request queue, claim them "
        + "in DynamoDB, run them, post results; exit after the idle timeout. Names come from DROVER_* variables.")
final class WorkerCommand implements Callable<Integer> {
    /** How long a worker whose parent died tries to hand its work back before it ends anyway. */
    static final Duration PARENT_GONE_GRACE = Duration.ofSeconds(3);

    @Spec
    CommandSpec spec;

    @Option(names = {"-s", "--queue"}, paramLabel = "QUEUE_URL", defaultValue = "${env:" + EnvironmentVariables.REQUEST_QUEUE_URL + "}",
            description = "The request queue (default: $DROVER_REQUEST_QUEUE_URL).")
    String queue;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", defaultValue = "${env:" + EnvironmentVariables.WORKER_THREADS + ":-4}",
            description = "Tasks run at once (default: $DROVER_WORKER_THREADS or 4).")
    int threads;

    @Option(names = {"-i", "--idle-timeout"}, paramLabel = "D", defaultValue = "${env:" + EnvironmentVariables.IDLE_TIMEOUT + ":-60}",
            description = "Exit after this long with nothing to do: seconds or 500ms/3s/2m (default: $DROVER_IDLE_TIMEOUT or 60).")
    String idle;

    @Option(names = "--lease", paramLabel = "D", defaultValue = "${env:" + EnvironmentVariables.LEASE + ":-30s}",
            description = "Claim lease and message visibility, renewed every third of it; a dead worker's bundle "
                    + "comes back after this long (default: $DROVER_LEASE or 30s).")
    String lease;

    @Option(names = "--result-linger", paramLabel = "D", defaultValue = "${env:" + EnvironmentVariables.RESULT_LINGER + ":-" + WorkerConfig.DEFAULT_RESULT_LINGER_TEXT + "}",
            description = "Gather results this long before posting them (default: ${DEFAULT-VALUE}): each result message"
                    + " costs a send, a receive, a delete and a job-store write, so short tasks share one. Results of longer tasks"
                    + " wait up to half the tasks' mean time, at most 1s; 0 posts every result at once.")
    String resultLinger;

    @Option(names = "--poll-wait", paramLabel = "D", defaultValue = "5s",
            description = "Long-poll wait of one receive; also how long a drain may wait for it (default ${DEFAULT-VALUE}).")
    String pollWait;

    @Option(names = "--hold-while-in-flight", description = "Do not idle out while the request queue has work in flight"
            + " that this worker could take should its holder die (a fixed fleet keeps its size until its work is done).")
    boolean holdWhileInFlight;

    @Option(names = "--drain-timeout", paramLabel = "D", defaultValue = "60s",
            description = "On SIGTERM, how long running tasks may finish before they are killed and handed back (default ${DEFAULT-VALUE}).")
    String drainTimeout;

    @Option(names = "--endpoint", paramLabel = "URL", description = "Send every AWS call here (an emulator or LocalStack).")
    URI endpoint;

    @Option(names = "--id", paramLabel = "ID", description = "This worker's name in results (default: host and pid).")
    String id;

    @Option(names = "--task-user", paramLabel = "NAME", defaultValue = "${env:" + EnvironmentVariables.TASK_USER + "}",
            description = "Run shell tasks as this unprivileged user (through setpriv; the worker must run as root),"
                    + " so they cannot read the worker's files or environment (default: $DROVER_TASK_USER; none: as the worker).")
    String taskUser;

    @Option(names = "--inputs-cache-limit", paramLabel = "BYTES",
            description = "Bytes of the outputs of upstream tasks ($DROVER_INPUT_DIR) kept for later tasks; the least recently"
                    + " used go first, never those of a running task (default: $DROVER_INPUTS_CACHE_LIMIT or 4 GiB).")
    Long inputsCacheLimit;

    @Override
    public Integer call() throws Exception {
        Optional<TaskUser> runAs;
        try {
            runAs = taskUser == null || taskUser.isBlank() ? Optional.empty()
                    : Optional.of(TaskUser.lookup(taskUser.strip()));
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("drover worker: --task-user: " + e.getMessage());
            return 2;
        }
        if (inputsCacheLimit != null && inputsCacheLimit < 0) {
            spec.commandLine().getErr().println("drover worker: --inputs-cache-limit: must not be negative: " + inputsCacheLimit);
            return 2;
        }
        // the environment is read here, once; what it says goes on as values
        Map<String, String> env = new HashMap<>(Main.environment(spec).variables());
        WorkerHost host = WorkerHost.from(env);
        if (queue != null) {
            env.put(EnvironmentVariables.REQUEST_QUEUE_URL, queue);
        }
        DroverResources names = DroverResources.fromEnvironment(env).orElseThrow(() ->
                new IllegalArgumentException("no request queue: give -s QUEUE_URL or set DROVER_REQUEST_QUEUE_URL"));
        // on EC2 (a launcher sets DROVER_SHUTDOWN_ON_IDLE) the worker is named after its instance, which
        // is how the provisioner tells a running instance from a booting one
        String workerId = id != null ? id : host.onEc2() ? host.metadata().instanceId().orElseThrow()
                : InetAddress.getLocalHost().getHostName() + "-" + ProcessHandle.current().pid();
        WorkerConfig config = WorkerConfig.defaults(workerId, threads, Durations.parse(idle))
                .withPollWait(Durations.parse(pollWait))
                .withResultLinger(Durations.parse(resultLinger))
                .withLease(Durations.parse(lease), Durations.parse(lease).dividedBy(3))
                .withDrainTimeout(Durations.parse(drainTimeout))
                .withHoldWhileInFlight(holdWhileInFlight);
        try (AwsClients aws = new AwsClients(AwsSettings.fromEnvironment(env, Optional.ofNullable(endpoint)))) {
            RemoteWorker worker = new RemoteWorker(config, names, aws, Main.CLOCK, inputsCacheLimit == null ? host.filesCache()
                    : host.filesCache().withInputsLimit(inputsCacheLimit), host.taskBase(), runAs);
            if (host.parentWatch()) {
                watchParent(worker);
            }
            WorkerStats stats;
            if (host.onEc2() || host.spotWatch()) {
                try (SpotInterruptionWatcher spot = new SpotInterruptionWatcher(host.metadata(),
                        SpotInterruptionWatcher.DEFAULT_INTERVAL, worker::handBack).start()) {
                    stats = worker.start().join();
                }
            } else {
                stats = worker.start().join();
            }
            spec.commandLine().getOut().printf("worker %s exited (%s) after %.1f s: %d tasks in %d bundles, %d duplicates skipped%n",
                    stats.workerId(), stats.exitReason(), stats.lifetimeSeconds(), stats.tasksRun(), stats.bundlesRun(),
                    stats.duplicatesSkipped());
            spec.commandLine().getOut().flush();
            if (host.onEc2() && stats.exitReason() == ExitReason.IDLE) {
                powerOff();
            }
            return 0;
        }
    }

    /** Idle on EC2: power off, and the instance's shutdown behaviour terminates it. */
    private static void powerOff() {
        try {
            new InstanceShutdown().powerOff();
        } catch (RuntimeException e) {
            // the image's systemd unit powers off after a clean exit anyway; exit 0 so it does
            LoggerFactory.getLogger(WorkerCommand.class).warn("could not power off ({}); leaving it to the service manager", e.getMessage());
        }
    }

    /**
     * A worker process started by a local fleet hands its work back and exits when its parent dies,
     * kill -9 included: its stdin is a pipe from the parent, which the kernel closes with it. The
     * parent's emulators usually die with it, so the hand-back gets {@link #PARENT_GONE_GRACE}, not a
     * full stop's bound; then whatever the worker started that still runs is killed, its own files cache
     * is deleted, and it halts.
     */
    private static void watchParent(RemoteWorker worker) {
        Thread t = new Thread(() -> {
            try {
                while (System.in.read() != -1) {
                    // the parent never writes; end of input means it is gone
                }
            } catch (IOException ignored) {
                // same as end of input
            }
            try {
                worker.handBack().get(PARENT_GONE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                LoggerFactory.getLogger(WorkerCommand.class).warn("parent gone; the hand-back did not end within {}: "
                        + "the bundles still held lapse with their leases", PARENT_GONE_GRACE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
            worker.deleteOwnCache(RemoteWorker.CACHE_DELETE_BOUND); // halt runs no hook, and nothing else would
            Runtime.getRuntime().halt(0);
        }, "drover-parent-watch");
        t.setDaemon(true);
        t.start();
    }
}
