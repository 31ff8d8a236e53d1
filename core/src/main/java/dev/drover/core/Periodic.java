package dev.drover.core;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One action run again and again on its own named daemon thread, so no other periodic call can
 * hold it up. An exception from one run is logged and the next run goes on (a bare
 * {@link ScheduledExecutorService} would stop repeating, silently); {@link #stop} interrupts the
 * run in progress and waits for it a bounded time.
 */
public final class Periodic {
    private static final Logger log = LoggerFactory.getLogger(Periodic.class);
    /** How long {@link #stop()} waits for a run in progress to end. */
    public static final Duration STOP_WAIT = Duration.ofSeconds(5);

    private final String name;
    private final ScheduledExecutorService thread;

    private Periodic(String name) {
        this.name = name;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            t.setUncaughtExceptionHandler((th, e) -> log.error("thread {} died", th.getName(), e));
            return t;
        });
    }

    /** Runs {@code action} after {@code first}, then {@code every} after each run ends. */
    public static Periodic withFixedDelay(String name, Duration first, Duration every, Runnable action) {
        Periodic p = new Periodic(name);
        p.thread.scheduleWithFixedDelay(p.guarded(action), first.toMillis(), positive(every), TimeUnit.MILLISECONDS);
        return p;
    }

    /** Runs {@code action} after {@code first}, then every {@code every} from the first run's start (a run late is not repeated). */
    public static Periodic atFixedRate(String name, Duration first, Duration every, Runnable action) {
        Periodic p = new Periodic(name);
        p.thread.scheduleAtFixedRate(p.guarded(action), first.toMillis(), positive(every), TimeUnit.MILLISECONDS);
        return p;
    }

    /** Stops it: no run starts after this; a run in progress is interrupted, and waited for up to {@link #STOP_WAIT}. */
    public void stop() {
        stop(STOP_WAIT);
    }

    /** The same, waiting up to {@code bound}; true if no run is left going. */
    public boolean stop(Duration bound) {
        thread.shutdownNow();
        try {
            return thread.awaitTermination(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private Runnable guarded(Runnable action) {
        return () -> {
            try {
                action.run();
            } catch (RuntimeException e) {
                log.error("{}: a run failed; the next one goes on", name, e);
            }
        };
    }

    private static long positive(Duration every) {
        return Math.max(1, every.toMillis());
    }
}
