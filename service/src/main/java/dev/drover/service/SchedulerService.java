package dev.drover.service;

import dev.drover.core.Periodic;
import dev.drover.scheduler.Scheduler;
import dev.drover.scheduler.collect.BundleProofs;
import dev.drover.scheduler.forward.OwnerRouting;
import dev.drover.scheduler.forward.Placement;
import dev.drover.scheduler.forward.ReplicaCredential;
import dev.drover.scheduler.forward.ReplicaLink;
import dev.drover.scheduler.fleet.Demand;
import dev.drover.scheduler.replica.ReplicaNode;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import dev.drover.scheduler.api.HttpApi;
import dev.drover.scheduler.fleet.Provisioner;
import dev.drover.scheduler.model.Backend;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A whole scheduler service, built from {@link ServiceOptions}: the pool (if in-JVM), the scheduler,
 * the provisioner and its launcher (if a fleet), the HTTP API (if served). The one place this wiring
 * is written: the CLI, the bench, chaos and the end-to-end tests use it. Closes in the reverse order
 * of the start, so the API stops taking requests before the scheduler stops and the fleet goes last.
 */
public final class SchedulerService implements AutoCloseable {
    private final Scheduler scheduler;
    private final Optional<InJvmFleet> pool;
    private final Optional<Provisioner> provisioner;
    private final Optional<HttpApi> api;
    private final Deque<AutoCloseable> started;

    private SchedulerService(Scheduler scheduler, Optional<InJvmFleet> pool, Optional<Provisioner> provisioner,
                             Optional<HttpApi> api, Deque<AutoCloseable> started) {
        this.scheduler = scheduler;
        this.pool = pool;
        this.provisioner = provisioner;
        this.api = api;
        this.started = started;
    }

    /** Starts every part; if one fails, those already started are closed before the failure is thrown. */
    public static SchedulerService start(ServiceOptions options) throws IOException {
        Deque<AutoCloseable> started = new ArrayDeque<>();
        try {
            Optional<InJvmFleet> pool = Optional.empty();
            Backend backend;
            if (options.backing() instanceof ServiceOptions.InJvmPool p) {
                InJvmFleet fleet = push(started, new InJvmFleet(p.workers(), options.clock(), p.storeRetention(),
                        p.reuseFilesCopies(), p.taskBase()));
                pool = Optional.of(fleet);
                backend = fleet.backend();
            } else {
                backend = ((ServiceOptions.Remote) options.backing()).backend();
            }
            // a launcher that can be closed goes after the scheduler, as the last of the fleet
            options.fleet().map(ServiceOptions.Fleet::launcher).filter(AutoCloseable.class::isInstance)
                    .ifPresent(l -> started.push((AutoCloseable) l));
            Scheduler unstarted = new Scheduler(options.tuning().apply(options.backing().config(options.dataDir())),
                    backend, options.clock());
            options.replica().ifPresent(r -> unstarted.asReplica(r.id()));
            Scheduler scheduler = push(started, unstarted.start());
            Optional<Provisioner> provisioner = Optional.empty();
            AtomicReference<ReplicaNode> node = new AtomicReference<>();
            if (options.fleet().isPresent()) {
                ServiceOptions.Fleet f = options.fleet().get();
                if (options.replica().isPresent()) {
                    // one provisioner for the one fleet: the replica holding the fleet's lease runs it, sized by every replica's backlog
                    Provisioner p = new Provisioner(f.config(), f.launcher(), () -> {
                        Demand own = scheduler.demand();
                        long others = node.get() == null ? 0 : node.get().othersBacklog();
                        return new Demand(own.backlogTasks() + others, own.meanTaskSeconds(), own.reportingWorkers());
                    }, options.clock());
                    Periodic leader = Periodic.withFixedDelay("drover-fleet-leader", Duration.ZERO, f.config().interval(), () -> {
                        if (node.get() != null && node.get().leadsFleet()) {
                            p.tick();
                        }
                    });
                    started.push(leader::stop);
                    provisioner = Optional.of(p);
                } else {
                    provisioner = Optional.of(push(started, new Provisioner(f.config(), f.launcher(), scheduler::demand,
                            options.clock()).start()));
                }
            }
            Optional<HttpApi> api = Optional.empty();
            if (options.http().isPresent()) {
                ServiceOptions.Http h = options.http().get();
                // the API's users are the ones fair shares are weighed between
                scheduler.weights(h.accounts()::weight);
                HttpApi.FleetView view = provisioner.<HttpApi.FleetView>map(pr -> pr::status).orElse(Map::of);
                HttpApi http = new HttpApi(scheduler, h.bind(), h.port(), view, h.accounts(), h.limits(), h.transport());
                if (options.replica().isPresent()) {
                    // any replica answers: requests for another replica's running job go to it, as the caller. Set
                    // before the API answers: a replica restarted on its port gets forwarded requests at once (the others
                    // still route its old id's jobs there); until its first beat it knows no live replica ("try again")
                    ServiceOptions.Replica r = options.replica().get();
                    ReplicaCredential credential = ReplicaCredential.derivedFrom(
                            backend.payloads().get(BundleProofs.KEY_OBJECT), options.clock());
                    ReplicaLink link = new ReplicaLink(credential, h.transport());
                    http.forwarding(new OwnerRouting(r.store(), r.id(),
                                    () -> node.get() == null ? Map.of() : node.get().liveAddresses()), link,
                            new Placement(() -> node.get() == null ? List.of() : node.get().liveOthers(), scheduler::backlog),
                            scheduler.collectors().handIn());
                    // and results of another live replica's job that this one receives are handed to it
                    scheduler.collectors().forwardTo(link::results);
                }
                api = Optional.of(push(started, http.start()));
            }
            if (options.replica().isPresent()) {
                ServiceOptions.Replica r = options.replica().get();
                ServiceOptions.Http h = options.http().orElseThrow(() -> new IllegalArgumentException("a replica serves HTTP"));
                // last: it beats only once the API answers, and it is the first closed (stops dispatching, then leaves)
                node.set(push(started, new ReplicaNode(r.store(), scheduler, r.id(), h.bind() + ":" + api.get().port(), r.timing(),
                        options.clock()).start()));
            }
            return new SchedulerService(scheduler, pool, provisioner, api, started);
        } catch (IOException | RuntimeException e) {
            closeAll(started, e);
            throw e;
        }
    }

    private static <T extends AutoCloseable> T push(Deque<AutoCloseable> started, T part) {
        started.push(part);
        return part;
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    /** The in-JVM pool, if the service runs one. */
    public Optional<InJvmFleet> pool() {
        return pool;
    }

    /** The provisioner, if the service launches its own fleet. */
    public Optional<Provisioner> provisioner() {
        return provisioner;
    }

    /** The HTTP API; fails if the options asked for none. */
    public HttpApi api() {
        return api.orElseThrow(() -> new IllegalStateException("this service has no HTTP API"));
    }

    /** The API's port (known only after the start, for port 0). */
    public int port() {
        return api().port();
    }

    @Override
    public void close() {
        RuntimeException failure = new RuntimeException("closing the scheduler service");
        closeAll(started, failure);
        if (failure.getSuppressed().length > 0) {
            throw failure;
        }
    }

    private static void closeAll(Deque<AutoCloseable> started, Throwable into) {
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                into.addSuppressed(e);
            }
        }
    }
}
