package dev.drover.scheduler.metrics;

import dev.drover.core.Periodic;
import dev.drover.core.port.MetricPoint;
import dev.drover.core.port.MetricSink;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes the figures of {@code GET /metrics} to a {@link MetricSink} once a step: gauges as read,
 * counters as their increase over the step, timers as the step's count, mean and max. It reads the
 * same Micrometer registry the Prometheus scrape reads, so both always show the same meters.
 * (Micrometer's own CloudWatch registry is not served by this project's Maven registry.)
 */
public final class MetricsPusher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MetricsPusher.class);
    /** CloudWatch's standard resolution: finer steps cost more and show nothing a dashboard needs. */
    public static final Duration DEFAULT_STEP = Duration.ofMinutes(1);

    private final MeterRegistry registry;
    private final MetricSink sink;
    private final Duration step;
    private final Map<Meter.Id, double[]> last = new HashMap<>();
    private Periodic timer;

    public MetricsPusher(MeterRegistry registry, MetricSink sink, Duration step) {
        this.registry = registry;
        this.sink = sink;
        this.step = step;
    }

    public synchronized MetricsPusher start() {
        timer = Periodic.atFixedRate("drover-metrics-push", step, step, this::pushQuietly);
        return this;
    }

    /** Sends this step's figures now. */
    public void push() {
        sink.put(collect());
    }

    private void pushQuietly() {
        try {
            push();
        } catch (RuntimeException e) {
            // a failed push loses one step of figures, never the scheduler
            log.warn("metrics push failed: {}", e.toString());
        }
    }

    /** This step's figures; counters and timers as their change since the last call. */
    synchronized List<MetricPoint> collect() {
        List<MetricPoint> points = new ArrayList<>();
        for (Meter m : registry.getMeters()) {
            Meter.Id id = m.getId();
            Map<String, String> dims = new LinkedHashMap<>();
            for (Tag t : id.getTags()) {
                dims.put(t.getKey(), t.getValue());
            }
            if (m instanceof Gauge g) {
                add(points, id.getName(), dims, g.value(), unitOf(id));
            } else if (m instanceof FunctionCounter c) {
                add(points, id.getName(), dims, since(id, c.count())[0], MetricPoint.Unit.COUNT);
            } else if (m instanceof Counter c) {
                add(points, id.getName(), dims, since(id, c.count())[0], MetricPoint.Unit.COUNT);
            } else if (m instanceof Timer t) {
                double[] d = since(id, t.count(), t.totalTime(TimeUnit.MILLISECONDS));
                add(points, id.getName() + ".count", dims, d[0], MetricPoint.Unit.COUNT);
                if (d[0] > 0) {
                    add(points, id.getName() + ".avg", dims, d[1] / d[0], MetricPoint.Unit.MILLISECONDS);
                    add(points, id.getName() + ".max", dims, t.max(TimeUnit.MILLISECONDS), MetricPoint.Unit.MILLISECONDS);
                }
            }
        }
        return points;
    }

    /** The change of cumulative values since the last call (from zero the first time). */
    private double[] since(Meter.Id id, double... now) {
        double[] before = last.put(id, now.clone());
        double[] d = new double[now.length];
        for (int i = 0; i < now.length; i++) {
            d[i] = Math.max(0, now[i] - (before == null ? 0 : before[i]));
        }
        return d;
    }

    private static MetricPoint.Unit unitOf(Meter.Id id) {
        String unit = id.getBaseUnit();
        return unit == null ? MetricPoint.Unit.COUNT : switch (unit) {
            case "seconds" -> MetricPoint.Unit.SECONDS;
            case "milliseconds" -> MetricPoint.Unit.MILLISECONDS;
            default -> MetricPoint.Unit.NONE;
        };
    }

    private static void add(List<MetricPoint> points, String name, Map<String, String> dims, double value, MetricPoint.Unit unit) {
        if (Double.isFinite(value)) { // CloudWatch refuses NaN and infinities
            points.add(new MetricPoint(name, dims, value, unit));
        }
    }

    /** Stops the timer and pushes the last step's figures. */
    @Override
    public void close() {
        Periodic t;
        synchronized (this) {
            t = timer;
            timer = null;
        }
        if (t != null) {
            t.stop(); // outside the lock: a push in progress takes it
            pushQuietly();
        }
    }
}
