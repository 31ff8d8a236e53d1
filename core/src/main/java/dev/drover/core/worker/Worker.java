package dev.drover.core.worker;

import dev.drover.core.RetryPolicy;
import dev.drover.core.Usage;
import dev.drover.core.exec.TaskExecutor;
import dev.drover.core.port.ClaimStore;
import dev.drover.core.port.MessageQueue;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one worker loop, for the in-JVM pool and for remote workers alike:
 * <b>claim → execute → publish results → mark done → delete message</b>.
 *
 * <p>It composes one piece per step and owns their lifecycle: the {@link Poller} receives bundles
 * while the {@link Capacity} has room; the {@link Claimer} claims them; the {@link TaskRunner}'s
 * threads run their tasks; the {@link ResultPublisher} sends results and the {@link Settler} marks
 * bundles done and deletes their messages. Beside them, on threads of their own, the
 * {@link LeaseKeeper} renews leases and the {@link CancelWatcher} notices cancelled jobs.
 *
 * <p>Stopping is ordered and bounded: stop polling, let running tasks finish (up to the drain
 * deadline, then kill them), publish what finished, hand back every bundle still held. The whole
 * stop takes at most the drain timeout plus {@link #STOP_GRACE}, even with every endpoint gone:
 * what could not be handed back by then is named in one log line and in {@link WorkerStats}.
 */
public final class Worker {
    private static final Logger log = LoggerFactory.getLogger(Worker.class);
    /** Beyond the drain timeout, the longest a stop takes: kill, publish and hand-back graces with room to spare. */
    public static final Duration STOP_GRACE = Duration.ofSeconds(30);
    /** How long killed tasks get to end after the drain deadline has passed. */
    private static final Duration KILL_GRACE = Duration.ofSeconds(10);
    /** How long finished results are retried once no task runs any more; then they are left to run again. */
    private static final Duration PUBLISH_GRACE = Duration.ofSeconds(5);
    /** How long a stop waits for a thread beyond what its work needs (the poller's last receive, an interrupted publisher). */
    private static final Duration THREAD_GRACE = Duration.ofSeconds(1);

    private final WorkerConfig config;
    private final Clock clock;
    private final Lifecycle lifecycle = new Lifecycle();
    private final Counters counters = new Counters();
    private final Capacity capacity;
    private final TaskRunner runner;
    private final ResultPublisher publisher;
    private final Watchers watchers;
    private final HandBack handBack;
    private final Thread poller;
    private final PublishThreads publishing;
    private final CompletableFuture<WorkerStats> exit = new CompletableFuture<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final long startedAt;

    public Worker(WorkerConfig config, MessageQueue requests, MessageQueue responses, ClaimStore claims,
                  TaskExecutor executor, Clock clock, Supplier<Usage> usageMeter) {
        this.config = config;
        this.clock = clock;
        HeldBundles held = new HeldBundles();
        RetryPolicy retry = RetryPolicy.DEFAULT;
        TaskTimes times = new TaskTimes();
        Capacity capacity = new Capacity(config.threads(), config.fetchAhead(), times, clock);
        IdleTimer idle = new IdleTimer(config.idleTimeout(), clock);
        Settler settler = new Settler(config, requests, claims, clock, held, counters);
        this.publisher = new ResultPublisher(config, responses, settler, held, capacity, times, usageMeter, counters, retry,
                e -> stop(ExitReason.FAILED));
        this.runner = new TaskRunner(config, executor, clock, capacity, times, idle, publisher, lifecycle, counters);
        Claimer claimer = new Claimer(config, requests, claims, clock, held, runner, publisher, times, counters,
                CancelReads.thread(config.workerId()));
        Poller.Events events = new Poller.Events() {
            @Override
            public void idle() {
                stop(ExitReason.IDLE);
            }

            @Override
            public void fatal(RuntimeException e) {
                stop(ExitReason.FAILED);
            }
        };
        this.watchers = new Watchers(config, new LeaseKeeper(config, requests, claims, clock, held), new CancelWatcher(claims, held));
        this.handBack = new HandBack(config, requests, claims, clock, held);
        this.poller = daemon(new Poller(config, requests, capacity, claimer, held, idle, lifecycle, retry, events),
                "drover-poll-" + config.workerId());
        this.publishing = new PublishThreads(config.workerId(), publisher, settler);
        this.capacity = capacity;
        this.startedAt = clock.millis();
    }

    /** A named daemon thread that says so loudly if it ever dies of something its loop did not catch. */
    static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.setUncaughtExceptionHandler((thread, e) -> log.error("thread {} died", thread.getName(), e));
        return t;
    }

    public Worker start() {
        poller.start();
        publishing.start();
        watchers.start();
        return this;
    }

    /** Completes when the worker has stopped, for whatever reason. */
    public CompletableFuture<WorkerStats> exited() {
        return exit;
    }

    /** Graceful stop (SIGTERM): take nothing new, finish running tasks, hand back the rest. */
    public CompletableFuture<WorkerStats> drain() {
        return stop(ExitReason.DRAINED);
    }

    /** Fast stop (spot interruption): kill running tasks and hand back every bundle at once. */
    public CompletableFuture<WorkerStats> handBack() {
        lifecycle.handBack();
        return stop(ExitReason.HANDED_BACK);
    }

    private CompletableFuture<WorkerStats> stop(ExitReason reason) {
        if (reason == ExitReason.FAILED) {
            lifecycle.handBack();
        }
        if (stopping.compareAndSet(false, true)) {
            lifecycle.drain();
            capacity.close();
            long deadline = System.nanoTime() + config.drainTimeout().plus(STOP_GRACE).toNanos();
            daemon(() -> shutdown(reason, deadline), "drover-stop-" + config.workerId()).start();
            // a call that hangs (not fails) must not hold the stop past its bound either
            CompletableFuture.delayedExecutor(config.drainTimeout().plus(STOP_GRACE).toMillis(), TimeUnit.MILLISECONDS)
                    .execute(() -> stopped(reason, cutShort()));
        }
        return exit;
    }

    /** What is still out when the stop's bound has passed: every held bundle and unpublished result. */
    private List<String> cutShort() {
        List<String> out = new ArrayList<>(publisher.unpublished());
        out.addAll(handBack.held());
        return out;
    }

    private void shutdown(ExitReason reason, long deadline) {
        long drainEnd = System.nanoTime() + config.drainTimeout().toNanos();
        List<String> notHandedBack = new ArrayList<>();
        try {
            if (lifecycle.handingBack()) {
                poller.interrupt();
            }
            poller.join(config.pollWait().plus(THREAD_GRACE).toMillis());
            // still in a receive or a retry pause: what it received unclaimed reappears after its visibility timeout
            poller.interrupt();
            if (!runner.finish(Duration.ofNanos(Math.max(0, drainEnd - System.nanoTime())))) {
                log.warn("worker {}: drain deadline {} passed; killing the running tasks and handing them back",
                        config.workerId(), config.drainTimeout());
                lifecycle.handBack();
                runner.finish(KILL_GRACE);
            }
            // what is sent is settled before the rest is handed back: a done bundle is not handed back
            publishing.finish(PUBLISH_GRACE, THREAD_GRACE);
            notHandedBack.addAll(publisher.unpublished());
            notHandedBack.addAll(handBack.all(deadline - THREAD_GRACE.toNanos()));
            if (System.nanoTime() - deadline < 0) {
                publishLeftoverUsage(notHandedBack);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("error while stopping worker {}", config.workerId(), e);
        } finally {
            stopped(reason, notHandedBack);
        }
    }

    /** Completes the stop, once: by the stop thread, or by the bound if that thread is still stuck. */
    private void stopped(ExitReason reason, List<String> notHandedBack) {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        watchers.stop();
        if (!notHandedBack.isEmpty()) {
            log.warn("worker {} could not hand back: {}; their leases lapse and their tasks run again elsewhere",
                    config.workerId(), String.join(", ", notHandedBack));
        }
        WorkerStats stats = new WorkerStats(config.workerId(), startedAt, clock.millis(), counters.tasksRun.get(),
                counters.bundlesRun.get(), counters.duplicates.get(), reason, notHandedBack);
        log.info("worker {} stopped ({}): {} tasks in {} bundles over {} s", stats.workerId(), reason,
                stats.tasksRun(), stats.bundlesRun(), stats.lifetimeSeconds());
        exit.complete(stats);
    }

    private void publishLeftoverUsage(List<String> notHandedBack) {
        try {
            publisher.publishLeftoverUsage();
        } catch (RuntimeException e) {
            notHandedBack.add("usage of job " + counters.lastJob);
        }
    }
}
