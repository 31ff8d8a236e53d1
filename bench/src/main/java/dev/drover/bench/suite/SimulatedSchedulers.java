package dev.drover.bench.suite;

import dev.drover.core.memory.InMemoryUserStore;
import dev.drover.core.model.TaskStatus;
import dev.drover.core.workload.WorkloadException;
import dev.drover.scheduler.Scheduler;
import dev.drover.scheduler.auth.Accounts;
import dev.drover.scheduler.model.JobView;
import dev.drover.scheduler.model.Quotas;
import dev.drover.scheduler.replica.ReplicaNode;
import dev.drover.scheduler.replica.ReplicaTiming;
import dev.drover.service.SchedulerService;
import dev.drover.service.ServiceOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The scheduler side of the scale bench's simulated fleet: one scheduler, as {@code drover scheduler -rw}
 * assembles it, or N replicas, each as {@code drover scheduler -rw --replica} assembles it (its HTTP API,
 * its replica node, default lease). The replicas run in this JVM: the in-memory adapters cannot span JVMs,
 * so they share the target's queues, claims, job store and replica store as processes on AWS share the
 * queues and tables. Each replica is started from a thread of a thread group of its own, which the threads
 * it starts (and those they start) inherit: its CPU is told apart from the others' by group, since every
 * replica names its threads alike.
 */
final class SimulatedSchedulers implements AutoCloseable {
    /**
     * Finished jobs, one a replica, and the wall time from the first submit call to the last result.
     *
     * @param owners            each job's owner at its end, as an index into the replicas (0 for one scheduler)
     * @param submittedAtMillis epoch millis just before the first submit call
     * @param intakeCpuNanos    the submitting thread's CPU time in the submit calls
     */
    record Run(List<JobView> jobs, List<Integer> owners, double wallSeconds, long submittedAtMillis, long intakeCpuNanos) {}

    private final SimulatedTarget target;
    private final List<SchedulerService> services = new ArrayList<>();
    private final List<ThreadGroup> groups = new ArrayList<>();
    private final List<String> ids = new ArrayList<>();

    private SimulatedSchedulers(SimulatedTarget target) {
        this.target = target;
    }

    /** {@code replicas} schedulers on the target (1: a single scheduler, no replica store), sized for {@code fleetThreads}. */
    static SimulatedSchedulers start(SimulatedTarget target, int replicas, Path dir, int fleetThreads, Clock clock) throws IOException {
        SimulatedSchedulers s = new SimulatedSchedulers(target);
        try {
            InMemoryUserStore users = new InMemoryUserStore(); // one user table, as the replicas share DynamoDB's
            for (int i = 0; i < replicas; i++) {
                if (replicas == 1) {
                    s.add("scheduler", ServiceOptions.of(dir, clock, new ServiceOptions.Remote(target.backend(), fleetThreads)), null);
                } else {
                    SimulatedTarget.Replica r = target.replica();
                    String id = ReplicaNode.newId();
                    s.add("replica-" + (i + 1), ServiceOptions.of(dir.resolve("replica-" + (i + 1)), clock,
                                    new ServiceOptions.Remote(r.backend(), fleetThreads))
                            .withHttp(ServiceOptions.Http.loopback(new Accounts(users, clock)))
                            .withReplica(new ServiceOptions.Replica(r.store(), id, ReplicaTiming.LOCAL)), id);
                }
            }
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /** Starts one service from a thread of a new thread group, which its threads inherit. */
    private void add(String name, ServiceOptions options, String id) throws IOException {
        ThreadGroup group = new ThreadGroup("drover-bench-" + name);
        AtomicReference<Object> started = new AtomicReference<>();
        Thread starter = new Thread(group, () -> {
            try {
                started.set(SchedulerService.start(options));
            } catch (IOException | RuntimeException e) {
                started.set(e);
            }
        }, "drover-bench-start-" + name);
        starter.start();
        try {
            starter.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted starting " + name, e);
        }
        if (started.get() instanceof SchedulerService service) {
            services.add(service);
            groups.add(group);
            ids.add(id);
        } else if (started.get() instanceof IOException e) {
            throw e;
        } else {
            throw (RuntimeException) started.get();
        }
    }

    /** The replicas' thread groups, in their order. */
    List<ThreadGroup> groups() {
        return List.copyOf(groups);
    }

    Scheduler scheduler(int i) {
        return services.get(i).scheduler();
    }

    /**
     * {@code tasks × sleep millis} as one job a replica, job i submitted to replica i (round robin, straight
     * to its Scheduler: an HTTP submit may be placed on a less loaded replica, which would not change the
     * split of equal jobs); waits for every result. Fails if a task did not succeed or the jobs take longer
     * than {@code timeoutSeconds}.
     */
    Run run(int tasks, int millis, String name, double timeoutSeconds) throws IOException, InterruptedException, TimeoutException {
        int n = services.size();
        long submittedAt = System.currentTimeMillis();
        long start = System.nanoTime();
        long intake = 0;
        List<String> jobIds = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] workload = Workloads.sleeps(tasks / n + (i < tasks % n ? 1 : 0), millis);
            long cpu = SchedulerCpu.threadNanos();
            try {
                jobIds.add(scheduler(i).submit(new ByteArrayInputStream(workload), name + "-" + (i + 1), "bench").jobId());
            } catch (Quotas.Exceeded e) {
                throw new IllegalStateException("a benchmark job over the default quotas: " + e.getMessage(), e);
            } catch (WorkloadException e) {
                throw new IllegalStateException(e);
            }
            intake += SchedulerCpu.threadNanos() - cpu;
        }
        OptionalLong end = Workloads.awaitOnThread(timeoutSeconds, () -> {
            for (int i = 0; i < n; i++) {
                scheduler(i).awaitDone(jobIds.get(i));
            }
        });
        if (end.isEmpty()) {
            throw new TimeoutException(name + ": not done after " + timeoutSeconds + " s");
        }
        List<JobView> done = new ArrayList<>();
        List<Integer> owners = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String jobId = jobIds.get(i);
            JobView v = scheduler(i).status(jobId).orElseThrow();
            long ok = v.counts().getOrDefault(TaskStatus.SUCCEEDED, 0L);
            if (ok != v.total()) {
                throw new IllegalStateException(name + ": only " + ok + " of " + v.total() + " tasks of " + jobId + " succeeded");
            }
            done.add(v);
            owners.add(n == 1 ? 0 : target.owner(jobId).map(ids::indexOf).orElse(i)); // the taker's, after a takeover
        }
        return new Run(done, owners, (end.getAsLong() - start) / 1e9, submittedAt, intake);
    }

    @Override
    public void close() {
        RuntimeException failure = new RuntimeException("closing the schedulers");
        for (int i = services.size() - 1; i >= 0; i--) {
            try {
                services.get(i).close();
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
            }
        }
        if (failure.getSuppressed().length > 0) {
            throw failure;
        }
    }
}
