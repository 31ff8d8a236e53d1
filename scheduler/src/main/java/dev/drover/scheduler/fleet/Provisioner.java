package dev.drover.scheduler.fleet;

import dev.drover.core.Periodic;
import dev.drover.core.port.FleetLauncher.Member;
import dev.drover.core.port.FleetLauncher;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sizes the fleet by backlog, AWS's "backlog per instance" rule:
 * <pre>desired = min(max, ceil(backlog / target backlog per worker))</pre>
 * where a worker's target backlog is what it clears within the latency the user accepts:
 * {@code threads / mean task seconds × target latency}. Workers still booting count as live, so
 * one backlog never triggers two launches; the whole difference is launched in one step. The
 * provisioner never stops a worker: idle workers stop themselves, which is how the fleet reaches zero.
 */
public final class Provisioner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Provisioner.class);
    private static final int DECISIONS_KEPT = 20;
    /** The fleet's status names each of the most recently launched workers, up to this many. */
    private static final int MEMBERS_SHOWN = 100;

    /**
     * @param hourlyPriceUsd what one worker costs an hour (EC2 list price of its instance type), for the estimate
     * @param fixedSize      a fixed fleet of this many workers while there is work (dead or idle ones are
     *                       replaced), or 0 for an elastic fleet sized by the backlog
     */
    public record Config(int maxWorkers, int threadsPerWorker, Duration targetLatency, Duration interval,
                         double hourlyPriceUsd, int fixedSize) {
        public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(250);
        /** EC2 bills per second with a minimum of 60 s per instance. */
        public static final long BILLING_MINIMUM_SECONDS = 60;

        public static Config elastic(int maxWorkers, int threadsPerWorker, Duration targetLatency, double hourlyPriceUsd) {
            return new Config(maxWorkers, threadsPerWorker, targetLatency, DEFAULT_INTERVAL, hourlyPriceUsd, 0);
        }

        /** A fleet whose desired size is constant: the same code path replaces a dead member. */
        public Config fixed(int workers) {
            return new Config(workers, threadsPerWorker, targetLatency, interval, hourlyPriceUsd, workers);
        }
    }

    private final Config config;
    private final FleetLauncher launcher;
    private final Supplier<Demand> demand;
    private final Clock clock;
    private Periodic timer;
    private final Deque<String> decisions = new ArrayDeque<>();
    private int lastDesired;
    private int lastWanted;
    /** The last launch the launcher refused (EC2's error: quota, capacity), or null since a launch worked. */
    private Map<String, Object> lastLaunchError;
    private long demandSince; // when the backlog last rose from zero
    private final List<Long> launchDelays = new ArrayList<>();

    public Provisioner(Config config, FleetLauncher launcher, Supplier<Demand> demand, Clock clock) {
        this.config = config;
        this.launcher = launcher;
        this.demand = demand;
        this.clock = clock;
    }

    public synchronized Provisioner start() {
        timer = Periodic.withFixedDelay("drover-provisioner", Duration.ZERO, config.interval(), () -> {
            try {
                tick();
            } catch (RuntimeException e) {
                log.warn("provisioning failed; trying again: {}", e.toString());
            }
        });
        return this;
    }

    /** Workers the law asks for, before the cap. */
    static int desired(Demand d, Config c) {
        if (d.backlogTasks() <= 0) {
            return 0;
        }
        if (c.fixedSize() > 0) {
            return c.fixedSize();
        }
        double perWorker = c.threadsPerWorker() / Math.max(1e-6, d.meanTaskSeconds()) * c.targetLatency().toMillis() / 1000.0;
        return (int) Math.min(Integer.MAX_VALUE, Math.ceil(d.backlogTasks() / Math.max(1.0, perWorker)));
    }

    /** One provisioning decision: launch the difference between the capped desire and the live fleet. */
    public synchronized void tick() {
        Demand d = demand.get();
        if (d.backlogTasks() == 0) {
            demandSince = 0;
        } else if (demandSince == 0) {
            demandSince = clock.millis();
        }
        int wanted = desired(d, config);
        int capped = Math.min(config.maxWorkers(), wanted);
        List<Member> members = launcher.members();
        long live = members.stream().filter(Member::alive).count();
        lastDesired = capped;
        lastWanted = wanted;
        if (capped > live) {
            int toLaunch = (int) (capped - live);
            String decision = String.format("backlog %d tasks × %.3f s / (%d threads × %.1f s) → %d workers%s; live %d → launch %d",
                    d.backlogTasks(), d.meanTaskSeconds(), config.threadsPerWorker(), config.targetLatency().toMillis() / 1000.0,
                    wanted, wanted > capped ? " (capped at " + capped + ")" : "", live, toLaunch);
            log.info(decision);
            remember(decision);
            List<String> ids;
            try {
                ids = launcher.launch(toLaunch);
            } catch (RuntimeException e) {
                Map<String, Object> error = new LinkedHashMap<>();
                error.put("at", clock.millis());
                error.put("workers", toLaunch);
                error.put("error", String.valueOf(e.getMessage()));
                lastLaunchError = error;
                remember("launch of " + toLaunch + " refused: " + e.getMessage());
                throw e;
            }
            lastLaunchError = null;
            ids.forEach(id -> launchDelays.add(clock.millis() - demandSince));
        }
    }

    /**
     * Most workers alive at once, from their exact lifetimes: right for a fixed fleet too, which
     * no provisioning tick observes.
     */
    static int peak(List<Member> members) {
        List<long[]> edges = new ArrayList<>(); // {time, +1 at launch / -1 at stop}
        for (Member m : members) {
            edges.add(new long[] {m.launchedAt(), 1});
            if (!m.alive()) {
                edges.add(new long[] {m.stoppedAt(), -1});
            }
        }
        edges.sort(Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1])); // stops first on ties
        int alive = 0;
        int peak = 0;
        for (long[] e : edges) {
            alive += (int) e[1];
            peak = Math.max(peak, alive);
        }
        return peak;
    }

    private void remember(String decision) {
        decisions.addLast(clock.instant() + " " + decision);
        while (decisions.size() > DECISIONS_KEPT) {
            decisions.removeFirst();
        }
    }

    /** What the status API and CLI show: desired, booting, running, launched so far, and what it cost. */
    public synchronized Map<String, Object> status() {
        long now = clock.millis();
        List<Member> members = launcher.members();
        Demand d = demand.get();
        long live = members.stream().filter(Member::alive).count();
        long running = members.stream().filter(m -> m.alive() && d.reportingWorkers().contains(m.id())).count();
        long workerMillis = members.stream().mapToLong(m -> m.lifetimeMillis(now)).sum();
        long billedSeconds = members.stream()
                .mapToLong(m -> Math.max(Config.BILLING_MINIMUM_SECONDS, (m.lifetimeMillis(now) + 999) / 1000)).sum();
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("maxWorkers", config.maxWorkers());
        s.put("desired", lastDesired);
        s.put("wanted", lastWanted);
        s.put("lastLaunchError", lastLaunchError);
        s.put("live", live);
        s.put("booting", live - running);
        s.put("running", running);
        s.put("workersLaunched", members.size());
        s.put("peakWorkers", peak(members));
        s.put("workerSeconds", Math.round(workerMillis / 100.0) / 10.0);
        s.put("costUsd", Math.round(billedSeconds * config.hourlyPriceUsd() / 3600.0 * 1e6) / 1e6);
        s.put("billedWorkerSeconds", billedSeconds); // with the 60 s minimum: what jobs' EC2 shares divide
        s.put("launchDelaysMs", List.copyOf(launchDelays));
        s.put("decisions", List.copyOf(decisions));
        List<Map<String, Object>> each = new ArrayList<>();
        for (Member m : members.subList(Math.max(0, members.size() - MEMBERS_SHOWN), members.size())) {
            Map<String, Object> w = new LinkedHashMap<>();
            w.put("id", m.id());
            w.put("state", !m.alive() ? "stopped" : d.reportingWorkers().contains(m.id()) ? "running" : "booting");
            w.put("launchedAt", m.launchedAt());
            w.put("uptimeSeconds", Math.round(m.lifetimeMillis(now) / 100.0) / 10.0);
            long billed = Math.max(Config.BILLING_MINIMUM_SECONDS, (m.lifetimeMillis(now) + 999) / 1000);
            w.put("costUsd", Math.round(billed * config.hourlyPriceUsd() / 3600.0 * 1e6) / 1e6);
            each.add(w);
        }
        s.put("members", each);
        return s;
    }

    @Override
    public void close() {
        Periodic t;
        synchronized (this) {
            t = timer;
        }
        if (t != null) {
            t.stop();
        }
    }
}
