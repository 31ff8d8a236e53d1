package dev.drover.scheduler.billing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A bill: per user, per job, and in total, for the jobs submitted at or after {@code since}
 * (epoch millis; 0: all the scheduler holds).
 */
public record Bill(long since, List<UserBill> users, Amounts total) {
    /** One user's jobs and their sum. */
    public record UserBill(String user, Amounts total, List<JobBill> jobs) {}

    /** One job's line: its state and what it used and cost. */
    public record JobBill(String jobId, String name, String state, long submittedAt, Double budgetUsd,
                          String cancelReason, Amounts amounts) {}

    /** A job's states that are not final: its line from the replica running it is the one that is current. */
    private static final Set<String> RUNNING = Set.of("SUBMITTED", "RUNNING");

    /**
     * The bills of several scheduler replicas as one: each job's line once (the running job's line from the
     * replica that runs it; of two lines of an ended job, the one with the larger total, which has seen more),
     * and the users' sums and the total made again from the lines.
     */
    public static Bill merge(long since, List<Bill> bills) {
        Map<String, JobBill> lines = new LinkedHashMap<>();
        Map<String, String> ownerOf = new LinkedHashMap<>();
        for (Bill bill : bills) {
            for (UserBill u : bill.users()) {
                for (JobBill j : u.jobs()) {
                    ownerOf.put(j.jobId(), u.user());
                    lines.merge(j.jobId(), j, Bill::current);
                }
            }
        }
        Map<String, List<JobBill>> byUser = new TreeMap<>();
        lines.values().forEach(j -> byUser.computeIfAbsent(ownerOf.get(j.jobId()), k -> new ArrayList<>()).add(j));
        List<UserBill> users = new ArrayList<>();
        Amounts total = Amounts.ZERO;
        for (Map.Entry<String, List<JobBill>> e : byUser.entrySet()) {
            List<JobBill> jobs = new ArrayList<>(e.getValue());
            jobs.sort(java.util.Comparator.comparingLong(JobBill::submittedAt).thenComparing(JobBill::jobId));
            Amounts sum = Amounts.ZERO;
            for (JobBill j : jobs) {
                sum = sum.plus(j.amounts());
            }
            users.add(new UserBill(e.getKey(), sum, List.copyOf(jobs)));
            total = total.plus(sum);
        }
        return new Bill(since, List.copyOf(users), total);
    }

    private static JobBill current(JobBill a, JobBill b) {
        boolean aRuns = RUNNING.contains(a.state());
        boolean bRuns = RUNNING.contains(b.state());
        if (aRuns != bRuns) {
            return aRuns ? a : b;
        }
        return b.amounts().usd().total() > a.amounts().usd().total() ? b : a;
    }
}
