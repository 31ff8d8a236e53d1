package dev.drover.scheduler.billing;

import dev.drover.core.Periodic;
import dev.drover.core.port.User;
import dev.drover.core.workload.WorkloadException;
import dev.drover.scheduler.model.JobView;
import dev.drover.scheduler.model.Prices;
import dev.drover.scheduler.model.Quotas;
import dev.drover.scheduler.Engine;
import dev.drover.scheduler.job.JobState;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler's money: every {@code every} it shares the fleet's new EC2 time among the jobs
 * whose tasks ran (by task-seconds), then cancels with reason "budget" each job whose spend
 * (requests and EC2 share) reached its budget, and every running job of a user whose month-to-date
 * spend reached their monthly budget. A job counts in the month (UTC, by the injected clock) it was
 * submitted in. It also makes bills and forecasts, and refuses a submission of a user whose month is spent.
 */
public final class Billing implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Billing.class);
    public static final Duration DEFAULT_EVERY = Duration.ofSeconds(1);
    /** How long the users' monthly budgets, read from the user store, are trusted. */
    static final Duration USERS_FOR = Duration.ofSeconds(30);

    private final Engine scheduler;
    private final Supplier<Map<String, Object>> fleet;
    private final Supplier<List<User>> users;
    private final Clock clock;
    private final Duration every;
    private final Prices prices = Prices.LIST;
    private final Ec2Attribution ec2 = new Ec2Attribution();
    private final Forecaster forecaster = new Forecaster(prices);
    private final Map<String, Double> monthly = new ConcurrentHashMap<>();
    private volatile long usersReadAt;
    private volatile boolean usersRead;
    private Periodic timer;

    /**
     * @param fleet the provisioner's status ({@code costUsd}, {@code billedWorkerSeconds}); the in-JVM pool's has neither
     * @param users the users, for their monthly budgets
     */
    public Billing(Engine scheduler, Supplier<Map<String, Object>> fleet, Supplier<List<User>> users, Clock clock,
                   Duration every) {
        this.scheduler = scheduler;
        this.fleet = fleet;
        this.users = users;
        this.clock = clock;
        this.every = every;
    }

    public synchronized Billing start() {
        timer = Periodic.withFixedDelay("drover-billing", every, every, () -> {
            try {
                tick();
            } catch (RuntimeException e) {
                log.warn("billing failed; trying again: {}", e.toString());
            }
        });
        return this;
    }

    /** One round: share the fleet's new EC2 time, then stop what is over budget. */
    public synchronized void tick() {
        List<JobState> jobs = scheduler.jobStates();
        // a replica is given its part of the fleet's cost by the fleet's leader, so the fleet is counted once over all replicas
        ec2.update(jobs, scheduler.acrossReplicas().ec2().map(s -> new FleetFigures(s.workerSeconds(), s.usd()))
                .orElseGet(() -> FleetFigures.of(fleet.get())));
        refreshUsers();
        Map<String, Double> monthSpend = monthSpend(jobs);
        for (JobState job : jobs) {
            if (job.done() || job.cancelled()) {
                continue;
            }
            JobView v = job.view(clock.millis());
            double spend = v.requestUsd() + v.ec2Usd();
            Double userBudget = monthly.get(job.owner());
            boolean jobOver = v.budgetUsd() != null && spend >= v.budgetUsd();
            boolean monthOver = userBudget != null && monthSpend.getOrDefault(job.owner(), 0.0)
                    + scheduler.acrossReplicas().elsewhere(job.owner()).monthUsd() >= userBudget;
            if (jobOver || monthOver) {
                log.info("job {}: {} reached (spent ${}); cancelling its remaining tasks", job.jobId(),
                        jobOver ? "its budget $" + v.budgetUsd() : "user " + job.owner() + "'s monthly budget $" + userBudget,
                        spend);
                try {
                    scheduler.cancel(job.jobId(), JobState.CANCELLED_FOR_BUDGET);
                } catch (WorkloadException e) {
                    log.error("job {}: cannot cancel for its budget: {}", job.jobId(), e.getMessage());
                }
            }
        }
    }

    private void refreshUsers() {
        long now = clock.millis();
        if (usersRead && now - usersReadAt < USERS_FOR.toMillis()) {
            return;
        }
        usersRead = true;
        usersReadAt = now;
        for (User u : users.get()) {
            remember(u);
        }
    }

    private void remember(User u) {
        if (u.monthlyBudgetUsd() == null) {
            monthly.remove(u.name());
        } else {
            monthly.put(u.name(), u.monthlyBudgetUsd());
        }
    }

    /** Epoch millis of this month's first instant, UTC. */
    long monthStart() {
        return monthStart(clock);
    }

    /** Epoch millis of the first instant of the month (UTC) {@code clock} is in: a job counts in the month it was submitted. */
    public static long monthStart(Clock clock) {
        return ZonedDateTime.now(clock.withZone(ZoneOffset.UTC)).withDayOfMonth(1).toLocalDate()
                .atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }

    private Map<String, Double> monthSpend(List<JobState> jobs) {
        long from = monthStart();
        Map<String, Double> spend = new TreeMap<>();
        for (JobState j : jobs) {
            if (j.submittedAt() >= from) {
                JobView v = j.view(clock.millis());
                spend.merge(j.owner(), v.requestUsd() + v.ec2Usd(), Double::sum);
            }
        }
        return spend;
    }

    /** What this user's jobs submitted this month have spent so far, USD: here, and at the other replicas as of their last beats. */
    public double monthToDate(String user) {
        return monthSpend(scheduler.jobStates()).getOrDefault(user, 0.0) + scheduler.acrossReplicas().elsewhere(user).monthUsd();
    }

    /** Refuses a submission (HTTP 429) from a user whose month-to-date spend has reached their monthly budget. */
    public void admit(User user) throws Quotas.Exceeded {
        remember(user);
        Double budget = user.monthlyBudgetUsd();
        if (budget == null) {
            return;
        }
        double spent = monthToDate(user.name());
        if (spent >= budget) {
            throw new Quotas.Exceeded(String.format("user %s has spent $%.6f this month, reaching the monthly budget of"
                    + " $%.2f: no new job until next month (or ask an admin)", user.name(), spent, budget));
        }
    }

    /** The bill of {@code user} (null: everyone) for jobs submitted at or after {@code since} (epoch millis). */
    public Bill bill(String user, long since) {
        Map<String, List<Bill.JobBill>> byUser = new TreeMap<>();
        for (JobView v : scheduler.list()) {
            if ((user != null && !user.equals(v.owner())) || v.submittedAt() < since) {
                continue;
            }
            long bytes = scheduler.job(v.jobId()).map(Billing::s3Bytes).orElse(0L);
            byUser.computeIfAbsent(v.owner(), k -> new ArrayList<>()).add(new Bill.JobBill(v.jobId(), v.name(),
                    v.state().name(), v.submittedAt(), v.budgetUsd(), v.cancelReason(), Amounts.of(v, bytes, prices)));
        }
        List<Bill.UserBill> users = new ArrayList<>();
        Amounts total = Amounts.ZERO;
        for (Map.Entry<String, List<Bill.JobBill>> e : byUser.entrySet()) {
            Amounts sum = Amounts.ZERO;
            for (Bill.JobBill j : e.getValue()) {
                sum = sum.plus(j.amounts());
            }
            users.add(new Bill.UserBill(e.getKey(), sum, List.copyOf(e.getValue())));
            total = total.plus(sum);
        }
        return new Bill(since, List.copyOf(users), total);
    }

    /** Bytes the job wrote to the payload store (S3 on AWS): its workload and its tasks' output files. */
    private static long s3Bytes(JobState job) {
        long workload;
        try {
            workload = Files.size(job.workload());
        } catch (IOException e) {
            workload = 0; // the spool of an expired job may be gone; its outputs still count
        }
        return workload + job.cost().outputBytes();
    }

    /** Forecasts a workload for this user from the task times measured so far; nothing is queued. */
    public Forecast forecast(InputStream workload, String name, String owner) throws WorkloadException, IOException {
        return forecaster.forecast(workload, name, owner, scheduler.jobStates(), scheduler.fleetThreads());
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
