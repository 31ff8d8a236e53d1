package dev.drover.service;

import dev.drover.aws.AwsClients;
import dev.drover.aws.DroverResources;
import dev.drover.localaws.LocalAws;
import dev.drover.localaws.LocalAwsEndpoints;
import dev.drover.localaws.LocalAwsOptions;
import dev.drover.scheduler.model.Backend;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The embedded default: AWS emulators on loopback, SDK clients pointed at them, and the command
 * line that starts a {@code drover worker} process against them.
 */
public final class EmbeddedAws implements AutoCloseable {
    /** Emulated polls cost nothing, and a short wait lets a drained worker exit at once. */
    private static final String LOCAL_POLL_WAIT = "1s";
    /**
     * On a laptop a killed worker's tasks should run again within seconds: an 8 s lease (renewed
     * every 2.7 s) brings them back within about 11 s, at 1,350 claim writes an hour per bundle held
     * (a 30 s lease costs 360). EC2 workers keep the 30 s default.
     */
    static final String LOCAL_LEASE = "8s";
    /**
     * The worker's entry point, {@code drover worker}: named, not linked, since the CLI is built on this
     * module; whoever starts workers has the CLI on its class path (the CLI itself, the bench's jar).
     */
    static final String CLI_MAIN = "dev.drover.cli.Main";

    public final LocalAws emulators;
    public final AwsClients aws;
    public final Backend backend;

    public EmbeddedAws(Optional<Path> dataDir) {
        LocalAwsOptions options = LocalAwsOptions.defaults(LocalAws.defaultEmulatorsDir());
        this.emulators = LocalAws.start(dataDir.map(options::withDataDir).orElse(options));
        this.aws = new AwsClients(emulators.endpoints().awsSettings());
        this.backend = RemoteBackends.create(aws, resources(emulators.endpoints()));
    }

    public static DroverResources resources(LocalAwsEndpoints e) {
        return e.resources();
    }

    /** {@code drover worker} in a new JVM of the same Java, with this process's class path. */
    public static List<String> workerCommand(int threads, String idleTimeout) {
        return workerCommand(threads, idleTimeout, false);
    }

    /** With {@code fixedFleet}, the worker does not idle out while the queue still has work in flight. */
    public static List<String> workerCommand(int threads, String idleTimeout, boolean fixedFleet) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        // The role marker comes first: process listings show only the start of a long command line.
        cmd.add("-Ddrover.role=worker");
        cmd.addAll(WorkerJit.flags(LocalAws.defaultEmulatorsDir()));
        cmd.addAll(List.of("-XX:+UseSerialGC", "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                CLI_MAIN, "worker", "-t", Integer.toString(threads), "-i", idleTimeout,
                "--poll-wait", LOCAL_POLL_WAIT, "--lease", LOCAL_LEASE));
        if (fixedFleet) {
            cmd.add("--hold-while-in-flight");
        }
        return cmd;
    }

    @Override
    public void close() {
        aws.close();
        emulators.close();
    }
}
