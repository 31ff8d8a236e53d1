package dev.drover.bench.suite;

import dev.drover.core.exec.TaskEnvironment;
import dev.drover.core.Usage;
import dev.drover.core.exec.Executors;
import dev.drover.core.exec.TaskExecutor;
import dev.drover.core.memory.InMemoryClaimStore;
import dev.drover.core.memory.InMemoryJobStore;
import dev.drover.core.memory.InMemoryMessageQueue;
import dev.drover.core.memory.InMemoryPayloadStore;
import dev.drover.core.memory.InMemoryReplicaStore;
import dev.drover.core.port.ClaimStore;
import dev.drover.core.port.FleetLauncher.Member;
import dev.drover.core.port.MessageQueue;
import dev.drover.core.port.ReplicaStore;
import dev.drover.core.queue.CompressingMessageQueue;
import dev.drover.core.worker.Worker;
import dev.drover.core.worker.WorkerConfig;
import dev.drover.scheduler.model.Backend;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The remote path with the cloud replaced by in-memory adapters whose calls are counted, and each
 * worker "process" a multi-threaded {@link Worker} in this JVM. Used by the smoke configuration so
 * that every figure of the report is produced without starting emulators; its numbers say nothing
 * about AWS. For the scale bench's fleets of a thousand workers, its workers run their sleeps as
 * timers ({@link TimedSleeps}) instead of on a thread per slot.
 */
final class SimulatedTarget implements RemoteTarget {
    private final Clock clock;
    private final MessageQueue requests;
    private final MessageQueue responses;
    private final ClaimStore claims = new InMemoryClaimStore();
    private final Backend backend;
    private final AtomicInteger launched = new AtomicInteger();
    /** Calls of the baseline loops, which run in this JVM. */
    private final Counting.Meter loops = new Counting.Meter();
    /** Every call of the scheduler and the workers by queue and kind, for the per-task breakdown. */
    private final Counting.ByCall byCall = new Counting.ByCall();
    /** The same for the DynamoDB-like stores: claims, and the replicas' job and replica stores. */
    private final Counting.ByCall tableCalls = new Counting.ByCall();
    private final InMemoryPayloadStore payloads = new InMemoryPayloadStore();
    /** The job store and replica store scheduler replicas share (none without replicas, as before them). */
    private final InMemoryJobStore jobs = new InMemoryJobStore();
    private final InMemoryReplicaStore replicas = new InMemoryReplicaStore(jobs);
    /** The workers' sleeps as timers, or empty: the real executors on a thread per slot. */
    private final Optional<TimedSleeps> timed;

    SimulatedTarget(Clock clock) {
        this(clock, false);
    }

    /** {@code timedSleeps}: workers run only {@code sleep N}, as timers on two shared threads. */
    SimulatedTarget(Clock clock, boolean timedSleeps) {
        this.clock = clock;
        this.timed = timedSleeps ? Optional.of(new TimedSleeps(2)) : Optional.empty();
        this.requests = new InMemoryMessageQueue(clock);
        this.responses = new InMemoryMessageQueue(clock);
        Counting.Meter meter = new Counting.Meter();
        this.backend = new Backend(cloud(new Counting.Queue(requests, meter, byCall, "scheduler.requests")),
                cloud(new Counting.Queue(responses, meter, byCall, "scheduler.responses")),
                Optional.empty(), new Counting.Claims(claims, meter, tableCalls, "scheduler.claims"), payloads, Optional.empty(), meter);
    }

    /**
     * A queue as the cloud's adapters stack it (compression, then a store for what is still too large), over a counted
     * in-memory queue that refuses what SQS refuses: a result message of short tasks is up to 1 MiB before compression.
     */
    private MessageQueue cloud(MessageQueue counted) {
        return CompressingMessageQueue.overCloudQueue(counted, payloads);
    }

    /** What one scheduler replica works through: its backend, with a job store, and the replica store. */
    record Replica(Backend backend, ReplicaStore store) {}

    /**
     * A scheduler replica's adapters: the shared queues, claims, payloads, job store and replica store, its calls
     * counted on a meter of its own (one {@code CallMeter} a replica process on AWS) and with the others' by kind.
     */
    Replica replica() {
        Counting.Meter meter = new Counting.Meter();
        Backend b = new Backend(cloud(new Counting.Queue(requests, meter, byCall, "scheduler.requests")),
                cloud(new Counting.Queue(responses, meter, byCall, "scheduler.responses")), Optional.empty(),
                new Counting.Claims(claims, meter, tableCalls, "scheduler.claims"), payloads,
                Optional.of(CountingTables.jobs(jobs, meter, tableCalls, "scheduler.jobs")), meter);
        return new Replica(b, CountingTables.replicas(replicas, meter, tableCalls, "scheduler.replicas"));
    }

    /** The replica that owns the job now, read uncounted; empty for a job of no replica. */
    Optional<String> owner(String jobId) {
        return replicas.owner(jobId).map(ReplicaStore.Owner::replica);
    }

    @Override
    public String description() {
        return "simulated remote (smoke): in-memory queues and claims with counted calls, workers in this JVM";
    }

    @Override
    public Backend backend() {
        return backend;
    }

    @Override
    public Launcher launcher(int threads, String idleTimeout, Path dir) {
        Map<String, Member> members = new ConcurrentHashMap<>();
        List<Worker> workers = new ArrayList<>();
        TaskExecutor executor = timed.<TaskExecutor>map(t -> t).orElseGet(() -> Executors.standard(TaskEnvironment.fromWorker(System.getenv())));
        return new Launcher() {
            @Override
            public synchronized List<String> launch(int count) {
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    String id = "sim-" + launched.incrementAndGet();
                    Counting.Meter meter = new Counting.Meter(); // one per "process", like CallMeter per JVM
                    Worker w = new Worker(config(id, threads),
                            cloud(new Counting.Queue(requests, meter, byCall, "worker.requests")),
                            cloud(new Counting.Queue(responses, meter, byCall, "worker.responses")),
                            new Counting.Claims(claims, meter, tableCalls, "worker.claims"), executor, clock, meter::total);
                    members.put(id, new Member(id, clock.millis(), 0));
                    w.exited().thenRun(() -> members.computeIfPresent(id, (k, m) -> new Member(id, m.launchedAt(), clock.millis())));
                    workers.add(w.start());
                    ids.add(id);
                }
                return ids;
            }

            @Override
            public List<Member> members() {
                return new ArrayList<>(members.values());
            }

            @Override
            public synchronized void close() {
                workers.stream().map(Worker::drain).toList().forEach(f -> f.join());
            }
        };
    }

    /**
     * A remote worker's configuration; in the smoke configuration with short polls, so that a fleet stops
     * quickly. A timed fleet of a thousand long-polls as real workers do: short polls would have its
     * receives wake thousands of times a second, all for one queue's lock.
     */
    private WorkerConfig config(String id, int threads) {
        WorkerConfig remote = WorkerConfig.defaults(id, threads, Duration.ZERO);
        return timed.isPresent() ? remote : remote.withPollWait(Duration.ofMillis(200));
    }

    /** SQS calls so far by who made them, queue and kind ("worker.responses.send", ...). */
    Map<String, Long> callsByKind() {
        return byCall.snapshot();
    }

    /** DynamoDB-like calls so far by who made them, store and kind ("worker.claims.claim", "scheduler.jobs.save", ...). */
    Map<String, Long> tableCallsByKind() {
        return tableCalls.snapshot();
    }

    @Override
    public MessageQueue newQueue(String name) {
        return new Counting.Queue(new InMemoryMessageQueue(clock), loops);
    }

    @Override
    public ClaimStore claims() {
        return new Counting.Claims(claims, loops);
    }

    @Override
    public Usage usage() {
        return loops.total();
    }

    @Override
    public void close() {
        timed.ifPresent(TimedSleeps::close);
    }
}
