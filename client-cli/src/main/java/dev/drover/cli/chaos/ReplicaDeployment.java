package dev.drover.cli.chaos;

import dev.drover.localaws.LocalAwsEndpoints;
import dev.drover.localaws.ProcessFleetLauncher;
import dev.drover.service.EmbeddedAws;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * N {@code drover scheduler -rw --replica} child processes on one {@link ChaosStack}, and a fixed fleet
 * of worker processes. The first replica reaches the emulators through {@link ChaosProxy}s, so that
 * its AWS traffic alone can be stalled. Closing it stops every process it started.
 */
final class ReplicaDeployment implements AutoCloseable {
    /** The scheduler's log line of a takeover, behind its time of day (the logs' layout: HH:mm:ss.SSS first). */
    private static final Pattern LEADS = Pattern.compile("(?m)^(\\d\\d:\\d\\d:\\d\\d\\.\\d{3}) .*now runs the fleet provisioner");
    /** A local fleet's workers stop after this long without work: the scenario waits for the fleet to reach zero. */
    static final Duration IDLE = Duration.ofSeconds(5);
    /** A local fleet is sized for this much backlog: 60 task-seconds a worker of 2 threads, so a scenario can ask for part of it. */
    static final Duration TARGET_LATENCY = Duration.ofSeconds(30);
    private static final Pattern TAKEN = Pattern.compile("(?m)^(\\d\\d:\\d\\d:\\d\\d\\.\\d{3}) .*job (\\S+): taken over at epoch (\\d+)");

    /** One replica's takeover of a job: which replica (A, B...), at what epoch, when (wall-clock millis). */
    record Taken(String replica, long epoch, long atMillis) {
        @Override
        public String toString() {
            return replica + "@" + epoch;
        }
    }

    final List<ChildScheduler> replicas = new ArrayList<>();
    /** Between the first replica and SQS, DynamoDB and S3. */
    final List<ChaosProxy> firstReplicaNetwork = new ArrayList<>();
    /** The harness's fixed fleet, or null when the replicas launch their own ({@link #census}). */
    private final ProcessFleetLauncher fleet;
    private final Path workerLogs;
    /** With a local fleet: its worker processes over time, whichever replica launched them; else null. */
    final WorkerCensus census;

    /** A fixed fleet of {@code workers} processes launched by the harness. */
    ReplicaDeployment(ChaosStack stack, int replicaCount, int workers, int threads, Path dir) throws IOException {
        this(stack, replicaCount, workers, threads, dir, false);
    }

    /**
     * @param localFleet the replicas launch the fleet themselves ({@code --local-fleet}: up to {@code workers}
     *                   processes, sized by the backlog, launched by the replica that leads the fleet) instead
     */
    ReplicaDeployment(ChaosStack stack, int replicaCount, int workers, int threads, Path dir, boolean localFleet) throws IOException {
        LocalAwsEndpoints e = stack.endpoints();
        workerLogs = dir.resolve("workers");
        List<String> options = localFleet ? List.of("--replica", "--local-fleet", "--idle-timeout", IDLE.toSeconds() + "s",
                "--target-latency", TARGET_LATENCY.toSeconds() + "s")
                : List.of("--replica");
        census = localFleet ? new WorkerCensus(e.resources().requestQueueUrl(),
                IntStream.range(0, replicaCount).mapToObj(i -> dir.resolve("replica-" + name(i)).resolve("workers"))
                        .toList()) : null;
        try {
            for (int i = 0; i < replicaCount; i++) {
                Map<String, String> env = new HashMap<>(e.workerEnvironment());
                if (i == 0) {
                    for (var service : Map.of("SQS", e.sqs(), "DYNAMODB", e.dynamoDb(), "S3", e.s3()).entrySet()) {
                        ChaosProxy proxy = new ChaosProxy("replica-" + service.getKey().toLowerCase(), service.getValue().getPort());
                        firstReplicaNetwork.add(proxy);
                        env.put("AWS_ENDPOINT_URL_" + service.getKey(), proxy.endpoint().toString());
                    }
                }
                // one after the other: the first makes the stack's admin, the others find it in the users table
                replicas.add(new ChildScheduler(env, dir.resolve("replica-" + name(i)), stack.adminTokenFile(), workers, threads,
                        options));
            }
            fleet = localFleet ? null : new ProcessFleetLauncher(EmbeddedAws.workerCommand(threads, "60s", true),
                    e.workerEnvironment(), workerLogs, Clock.systemUTC());
            if (fleet != null) {
                fleet.launch(workers);
            }
        } catch (IOException | RuntimeException ex) {
            close();
            throw ex;
        }
    }

    /** A, B, C... */
    static String name(int i) {
        return String.valueOf((char) ('A' + i));
    }

    List<String> addresses() {
        return replicas.stream().map(ChildScheduler::address).toList();
    }

    /** The job's status from the first live replica that answers for it (its owner, or any once it ended). */
    com.fasterxml.jackson.databind.JsonNode job(String jobId) throws IOException, InterruptedException {
        IOException last = new IOException("no replica alive");
        for (JobClient replica : live()) {
            try {
                return replica.job(jobId);
            } catch (IOException e) {
                last = e;
            }
        }
        throw last;
    }

    /** A client of each live replica, A first. */
    List<JobClient> live() {
        return replicas.stream().filter(ChildScheduler::alive).map(r -> new JobClient(r.address(), r::token)).toList();
    }

    /** Every "job J: taken over at epoch E" line in the replicas' logs, as job → the takeovers. */
    Map<String, List<Taken>> takeovers() throws IOException {
        Map<String, List<Taken>> byJob = new HashMap<>();
        for (int i = 0; i < replicas.size(); i++) {
            Path log = replicas.get(i).log();
            if (!Files.exists(log)) {
                continue;
            }
            Matcher m = TAKEN.matcher(Files.readString(log, StandardCharsets.ISO_8859_1));
            while (m.find()) {
                byJob.computeIfAbsent(m.group(2), k -> new ArrayList<>())
                        .add(new Taken(name(i), Long.parseLong(m.group(3)), millisToday(m.group(1))));
            }
        }
        return byJob;
    }

    /** A time of day in the logs (this machine's zone, today; a run never spans a midnight by more than its length) as millis. */
    private static long millisToday(String timeOfDay) {
        ZonedDateTime now = ZonedDateTime.now();
        ZonedDateTime at = LocalTime.parse(timeOfDay).atDate(now.toLocalDate()).atZone(now.getZone());
        return (at.isAfter(now.plusHours(1)) ? at.minusDays(1) : at).toInstant().toEpochMilli();
    }

    /** Workers gone without their exit line: killed, so their unreported tasks may run again. */
    Set<Long> deadWorkers() {
        if (census != null) {
            return census.dead();
        }
        Set<Long> dead = new HashSet<>();
        for (var m : fleet.members()) {
            fleet.process(m.id()).filter(p -> !p.isAlive()).filter(p -> !exitedCleanly(m.id())).ifPresent(p -> dead.add(p.pid()));
        }
        return dead;
    }

    private boolean exitedCleanly(String id) {
        try {
            return Files.readString(workerLogs.resolve(id + ".log"), StandardCharsets.ISO_8859_1).contains(" exited (");
        } catch (IOException e) {
            return false;
        }
    }

    /** Every "now runs the fleet provisioner" line in the replicas' logs: which replica (A, B...) took the fleet's lease, when. */
    List<Taken> fleetLeads() throws IOException {
        List<Taken> leads = new ArrayList<>();
        for (int i = 0; i < replicas.size(); i++) {
            Path log = replicas.get(i).log();
            if (Files.exists(log)) {
                Matcher m = LEADS.matcher(Files.readString(log, StandardCharsets.ISO_8859_1));
                while (m.find()) {
                    leads.add(new Taken(name(i), 0, millisToday(m.group(1))));
                }
            }
        }
        leads.sort(Comparator.comparingLong(Taken::atMillis));
        return leads;
    }

    /** Which replica a process id is (its index), or -1. */
    int replicaOfPid(long pid) {
        for (int i = 0; i < replicas.size(); i++) {
            if (replicas.get(i).pid() == pid) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public void close() {
        if (census != null) {
            census.close();
        }
        if (fleet != null) {
            fleet.members().forEach(m -> fleet.process(m.id()).ifPresent(ProcessHandle::destroyForcibly));
            fleet.close();
        }
        replicas.forEach(ChildScheduler::close);
        firstReplicaNetwork.forEach(ChaosProxy::close);
    }
}
