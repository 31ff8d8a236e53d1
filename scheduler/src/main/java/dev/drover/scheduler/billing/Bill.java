package dev.drover.scheduler.billing;

import java.util.List;

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
}
