package dev.drover.remoteworker;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls the instance metadata for a spot interruption notice (EC2 posts it about two minutes
 * ahead) and, on the first one, runs a callback once, typically {@code remoteWorker::handBack},
 * so other workers pick the work up at once. Then it stops polling. Without a metadata service
 * (on a laptop) it keeps polling quietly; on an on-demand instance no notice ever comes.
 */
public final class SpotInterruptionWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SpotInterruptionWatcher.class);

    /** What AWS recommends. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);

    private final InstanceMetadata metadata;
    private final Duration interval;
    private final Runnable onNotice;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "drover-spot-watch");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean noticed = new AtomicBoolean();
    private boolean errorLogged; // only the timer thread touches it

    public SpotInterruptionWatcher(InstanceMetadata metadata, Duration interval, Runnable onNotice) {
        this.metadata = metadata;
        this.interval = interval;
        this.onNotice = onNotice;
    }

    public SpotInterruptionWatcher start() {
        timer.scheduleWithFixedDelay(this::poll, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** True once a notice was seen (and the callback run). */
    public boolean noticed() {
        return noticed.get();
    }

    private void poll() {
        Optional<String> notice;
        try {
            notice = metadata.spotInterruption();
        } catch (RuntimeException e) {
            if (!errorLogged) {
                errorLogged = true;
                log.debug("cannot read spot interruption notices (no metadata service?); still polling: {}", e.toString());
            }
            return;
        }
        if (notice.isPresent() && noticed.compareAndSet(false, true)) {
            timer.shutdown();
            log.warn("spot interruption notice {}: handing the work back", notice.get());
            try {
                onNotice.run();
            } catch (RuntimeException e) {
                log.warn("handing the work back failed", e);
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
