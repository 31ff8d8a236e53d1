package dev.drover.cli.chaos;

import dev.drover.core.EnvironmentVariables;
import dev.drover.service.EmbeddedAws;
import dev.drover.localaws.LocalAwsEndpoints;
import dev.drover.localaws.ProcessFleetLauncher;
import dev.drover.scheduler.fleet.Provisioner;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.nio.file.Files;
import java.util.HashSet;

/**
 * One run's processes on a {@link ChaosStack}: the proxies of its {@link Plan.Hop}, a scheduler
 * and a fleet of worker processes. Closing it stops every one of them.
 */
final class Deployment implements AutoCloseable {
    /** Long enough that a fixed fleet outlives a scheduler restart; runs end by closing the fleet anyway. */
    static final String IDLE_TIMEOUT = "20s";
    private static final Duration TARGET_LATENCY = Duration.ofSeconds(5);
    private static final double HOURLY_PRICE = 0.085;

    final Plan plan;
    private final Path dir;
    final SchedulerHandle scheduler;
    final JobClient client;
    final List<ChaosProxy> network = new ArrayList<>();
    final Optional<SqsTamperProxy> sqsProxy;
    final Optional<ImdsStandIn> imds;
    private final List<ProcessFleetLauncher> fleets = new ArrayList<>();
    private final Optional<ProcessFleetLauncher> spotFleet;
    private final Optional<Provisioner> provisioner;

    /** Workers the harness interrupted (kill -9, spot notice), by pid: their unreported tasks may run again. */
    final Set<Long> interrupted = ConcurrentHashMap.newKeySet();

    Deployment(ChaosStack stack, Plan plan, Path dir) throws IOException {
        this.plan = plan;
        this.dir = dir;
        LocalAwsEndpoints e = stack.endpoints();
        Map<String, String> schedulerEnv = new HashMap<>(e.workerEnvironment());
        Map<String, String> workerEnv = new HashMap<>(e.workerEnvironment());
        sqsProxy = switch (plan.hop()) {
            case DUPLICATE_SENDS -> Optional.of(new SqsTamperProxy(SqsTamperProxy.Tamper.DUPLICATE_SENDS, e.sqs()));
            case EXPIRE_VISIBILITY -> Optional.of(new SqsTamperProxy(SqsTamperProxy.Tamper.EXPIRE_VISIBILITY, e.sqs()));
            default -> Optional.empty();
        };
        sqsProxy.ifPresent(p -> {
            workerEnv.put("AWS_ENDPOINT_URL_SQS", p.endpoint().toString());
            if (plan.hop() == Plan.Hop.DUPLICATE_SENDS) {
                schedulerEnv.put("AWS_ENDPOINT_URL_SQS", p.endpoint().toString());
            }
        });
        if (plan.hop() == Plan.Hop.NETWORK) {
            for (var service : Map.of("SQS", e.sqs(), "DYNAMODB", e.dynamoDb(), "S3", e.s3()).entrySet()) {
                ChaosProxy proxy = new ChaosProxy(service.getKey().toLowerCase(), service.getValue().getPort());
                network.add(proxy);
                workerEnv.put("AWS_ENDPOINT_URL_" + service.getKey(), proxy.endpoint().toString());
            }
        }
        int fleetThreads = plan.workers() * plan.threads();
        if (plan.childScheduler()) {
            scheduler = new ChildScheduler(schedulerEnv, dir.resolve("scheduler"), stack.adminTokenFile(), plan.workers(),
                    plan.threads());
        } else {
            scheduler = new InProcessScheduler(stack.aws.backend, dir.resolve("scheduler"), fleetThreads);
        }
        client = new JobClient(scheduler.address(), scheduler::token);

        boolean fixed = plan.fleet() != Plan.Fleet.ELASTIC;
        List<String> workerCommand = EmbeddedAws.workerCommand(plan.threads(), IDLE_TIMEOUT, fixed);
        Clock clock = Clock.systemUTC();
        ProcessFleetLauncher fleet = new ProcessFleetLauncher(workerCommand, workerEnv, dir.resolve("workers"), clock);
        fleets.add(fleet);
        if (plan.spotWorker()) {
            imds = Optional.of(new ImdsStandIn());
            Map<String, String> spotEnv = new HashMap<>(workerEnv);
            spotEnv.put(EnvironmentVariables.IMDS_ENDPOINT, imds.get().endpoint().toString());
            spotEnv.put(EnvironmentVariables.SPOT_WATCH, "1");
            spotFleet = Optional.of(new ProcessFleetLauncher(workerCommand, spotEnv, dir.resolve("spot-workers"), clock));
            fleets.add(spotFleet.get());
        } else {
            imds = Optional.empty();
            spotFleet = Optional.empty();
        }
        if (scheduler instanceof InProcessScheduler local && spotFleet.isEmpty()) {
            // as drover run does: an elastic fleet, or a fixed one whose dead members are replaced
            Provisioner.Config elastic = Provisioner.Config.elastic(plan.workers(), plan.threads(), TARGET_LATENCY, HOURLY_PRICE);
            provisioner = Optional.of(new Provisioner(fixed ? elastic.fixed(plan.workers()) : elastic, fleet,
                    local::demand, clock).start());
        } else { // a child scheduler or a spot worker: the fleet is launched once, by hand
            provisioner = Optional.empty();
            spotFleet.ifPresent(spot -> spot.launch(1));
            fleet.launch(plan.workers() - (spotFleet.isPresent() ? 1 : 0));
        }
    }

    /** Arms the proxies' misbehaviour; a baseline runs through the same hops unarmed. */
    void arm(boolean on) {
        sqsProxy.ifPresent(p -> p.arm(on));
    }

    /** The spot worker's pid. */
    Optional<Long> spotWorkerPid() {
        return spotFleet.flatMap(f -> f.process("proc-1")).map(ProcessHandle::pid);
    }

    /** Every worker process started so far, alive or not. */
    List<ProcessHandle> workers() {
        List<ProcessHandle> all = new ArrayList<>();
        for (ProcessFleetLauncher f : fleets) {
            f.members().forEach(m -> f.process(m.id()).ifPresent(all::add));
        }
        return all;
    }

    /** The log of the worker with this pid, if it is one of this deployment's. */
    Optional<Path> workerLog(long pid) {
        for (ProcessFleetLauncher f : fleets) {
            for (var m : f.members()) {
                if (f.process(m.id()).filter(p -> p.pid() == pid).isPresent()) {
                    return Optional.of(logOf(f, m.id()));
                }
            }
        }
        return Optional.empty();
    }

    private Path logOf(ProcessFleetLauncher fleet, String id) {
        return (fleet == fleets.get(0) ? dir.resolve("workers") : dir.resolve("spot-workers")).resolve(id + ".log");
    }

    /**
     * Workers that are gone without their exit line ("worker ... exited (REASON)"), so were killed:
     * by the harness, or by a task.
     */
    Set<Long> died() {
        Set<Long> dead = new HashSet<>();
        for (ProcessFleetLauncher f : fleets) {
            for (var m : f.members()) {
                f.process(m.id()).filter(p -> !p.isAlive()).filter(p -> !exitedCleanly(f, m.id())).ifPresent(p -> dead.add(p.pid()));
            }
        }
        return dead;
    }

    private boolean exitedCleanly(ProcessFleetLauncher fleet, String id) {
        try {
            return Files.readString(logOf(fleet, id), java.nio.charset.StandardCharsets.ISO_8859_1).contains(" exited (");
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        provisioner.ifPresent(Provisioner::close);
        // kill -9, not a drain: the run is over, and a worker stuck on a dead network would hold the harness
        workers().forEach(ProcessHandle::destroyForcibly);
        fleets.forEach(ProcessFleetLauncher::close);
        scheduler.close();
        network.forEach(ChaosProxy::close);
        sqsProxy.ifPresent(SqsTamperProxy::close);
        imds.ifPresent(ImdsStandIn::close);
    }
}
