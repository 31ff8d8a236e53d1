package dev.drover.service;

import dev.drover.core.exec.TaskEnvironment;
import dev.drover.core.port.FleetLauncher;
import dev.drover.core.retention.StoreRetention;
import dev.drover.scheduler.api.HttpApi;
import dev.drover.scheduler.auth.Accounts;
import dev.drover.scheduler.fleet.Provisioner;
import dev.drover.scheduler.model.Backend;
import dev.drover.scheduler.model.SchedulerConfig;
import dev.drover.scheduler.tls.Transport;
import dev.drover.core.port.ReplicaStore;
import dev.drover.scheduler.replica.ReplicaTiming;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * What a scheduler service is made of: where it keeps its files, what runs the tasks (an in-JVM pool
 * or a backend on SQS, DynamoDB and S3), who launches workers, and whether it serves HTTP.
 *
 * @param dataDir where the scheduler spools workloads and results
 * @param backing the in-JVM pool, or a remote backend and the threads of its fleet
 * @param tuning  changes to the scheduler's settings (quotas, retention, policy, bundle work)
 * @param fleet   who launches workers, if anyone here does
 * @param http    the HTTP API, if served
 * @param replica one replica of several on the same stack, if so (needs a remote backend with a job store, and HTTP)
 */
public record ServiceOptions(Path dataDir, Clock clock, Backing backing, UnaryOperator<SchedulerConfig> tuning,
                             Optional<Fleet> fleet, Optional<Http> http, Optional<Replica> replica) {

    /** A scheduler replica: where replicas meet, its id, and how they judge each other. */
    public record Replica(ReplicaStore store, String id, ReplicaTiming timing) {
    }

    /** What runs the tasks. */
    public sealed interface Backing {
        /** The scheduler's settings for this backing. */
        SchedulerConfig config(Path dataDir);
    }

    /**
     * N in-JVM workers on an in-memory backend.
     *
     * @param storeRetention   the in-memory store's lifecycle rule
     * @param reuseFilesCopies lend a task's untouched copy of the job's files again
     * @param taskBase         the tasks' base environment (PATH, LANG and USER)
     */
    public record InJvmPool(int workers, Duration storeRetention, boolean reuseFilesCopies, TaskEnvironment taskBase)
            implements Backing {
        /** Tasks get this process's PATH, LANG and USER, as {@code drover scheduler -lw} and {@code drover run --local} give them. */
        public InJvmPool(int workers) {
            this(workers, StoreRetention.DEFAULT_RETENTION, true, TaskEnvironment.fromWorker(System.getenv()));
        }

        @Override
        public SchedulerConfig config(Path dataDir) {
            return SchedulerConfig.inJvm(dataDir, workers);
        }
    }

    /**
     * A backend whose workers run elsewhere (processes, EC2); its owner closes it.
     *
     * @param fleetThreads the most tasks the fleet runs at once, which sizes the scheduler's dispatch
     */
    public record Remote(Backend backend, int fleetThreads) implements Backing {
        @Override
        public SchedulerConfig config(Path dataDir) {
            return SchedulerConfig.defaults(dataDir, fleetThreads);
        }
    }

    /** Workers launched by the scheduler's demand; the service closes the launcher if it can be closed. */
    public record Fleet(Provisioner.Config config, FleetLauncher launcher) {
    }

    /** The HTTP API: where it listens, its limits, plain or TLS, and its users. */
    public record Http(String bind, int port, HttpApi.Limits limits, Transport transport, Accounts accounts) {
        /** Plain HTTP on loopback, any free port, default limits. */
        public static Http loopback(Accounts accounts) {
            return new Http("127.0.0.1", 0, HttpApi.Limits.defaults(), Transport.plain(), accounts);
        }
    }

    /** A service on {@code backing} with default settings, no fleet of its own and no HTTP. */
    public static ServiceOptions of(Path dataDir, Clock clock, Backing backing) {
        return new ServiceOptions(dataDir, clock, backing, UnaryOperator.identity(), Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    public ServiceOptions withTuning(UnaryOperator<SchedulerConfig> t) {
        return new ServiceOptions(dataDir, clock, backing, t, fleet, http, replica);
    }

    public ServiceOptions withFleet(Fleet f) {
        return new ServiceOptions(dataDir, clock, backing, tuning, Optional.of(f), http, replica);
    }

    public ServiceOptions withHttp(Http h) {
        return new ServiceOptions(dataDir, clock, backing, tuning, fleet, Optional.of(h), replica);
    }

    public ServiceOptions withReplica(Replica r) {
        return new ServiceOptions(dataDir, clock, backing, tuning, fleet, http, Optional.of(r));
    }
}
