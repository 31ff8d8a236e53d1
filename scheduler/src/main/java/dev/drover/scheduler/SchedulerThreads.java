package dev.drover.scheduler;

import dev.drover.core.Periodic;
import dev.drover.scheduler.collect.ResultCollector;
import dev.drover.scheduler.dispatch.Dispatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler's threads: the dispatcher, the result collectors and the periodic chores ({@link Chores}).
 * Starts them named, with a handler that logs a thread's death, and stops them all within one deadline.
 */
final class SchedulerThreads {
    private static final Logger log = LoggerFactory.getLogger(SchedulerThreads.class);

    private final Dispatcher dispatcher;
    private final List<ResultCollector> collectors;
    private final List<Thread> threads = new ArrayList<>();
    private final List<Periodic> periodic = new ArrayList<>();

    SchedulerThreads(Dispatcher dispatcher, List<ResultCollector> collectors) {
        this.dispatcher = dispatcher;
        this.collectors = List.copyOf(collectors);
    }

    /** Starts the dispatcher and the collectors, each on a thread of its own. */
    void start() {
        threads.add(thread(dispatcher, "drover-dispatcher"));
        for (int i = 0; i < collectors.size(); i++) {
            threads.add(thread(collectors.get(i), "drover-collector-" + (i + 1)));
        }
    }

    /** Runs {@code action} every {@code every}, first after {@code first}, on a thread named {@code name}. */
    void every(String name, Duration first, Duration every, Runnable action) {
        periodic.add(Periodic.withFixedDelay(name, first, every, action));
    }

    private static Thread thread(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.setUncaughtExceptionHandler((thread, e) -> log.error("thread {} died", thread.getName(), e));
        t.start();
        return t;
    }

    /** Stops every thread within {@code grace}, together: a call that hangs holds up neither the others nor the stop. */
    void stop(Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        dispatcher.stop();
        collectors.forEach(ResultCollector::stop);
        if (!threads.isEmpty()) {
            threads.get(0).interrupt(); // the dispatcher may be waiting for a job; collectors end their short poll
        }
        periodic.forEach(p -> p.stop(Duration.ofNanos(Math.max(0, deadline - System.nanoTime()))));
        for (Thread t : threads) {
            try {
                t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        List<String> busy = threads.stream().filter(Thread::isAlive).map(Thread::getName).toList();
        if (!busy.isEmpty()) {
            threads.forEach(Thread::interrupt);
            log.warn("scheduler stopped after {} with {} still in a call: what they held (unsent bundles, undeleted "
                    + "results) is taken up again from the job store at the next start", grace, busy);
        }
    }
}
