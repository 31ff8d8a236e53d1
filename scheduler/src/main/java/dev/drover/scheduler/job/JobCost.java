package dev.drover.scheduler.job;

import dev.drover.core.Usage;
import dev.drover.scheduler.model.Prices;

/**
 * What a job has cost so far: its AWS requests, its share of the fleet's worker time, the bytes
 * of its outputs, and the budget it may spend. Thread-safe.
 */
public final class JobCost {
    private Usage usage = Usage.ZERO;
    private long duplicates;
    private double ec2WorkerSeconds;
    private double ec2Usd;
    private long outputBytes;
    private Double budgetUsd;

    public synchronized void charge(Usage u) {
        usage = usage.plus(u);
    }

    public synchronized void addDuplicates(long n) {
        duplicates += n;
    }

    /** Adds a share of the fleet's billed worker-seconds, and what they cost. */
    public synchronized void chargeEc2(double workerSeconds, double usd) {
        ec2WorkerSeconds += workerSeconds;
        ec2Usd += usd;
    }

    synchronized void addOutputBytes(long bytes) {
        outputBytes += bytes;
    }

    public synchronized Usage usage() {
        return usage;
    }

    public synchronized long duplicates() {
        return duplicates;
    }

    public synchronized double ec2WorkerSeconds() {
        return ec2WorkerSeconds;
    }

    public synchronized double ec2Usd() {
        return ec2Usd;
    }

    /** What its requests cost at list prices. */
    public synchronized double requestsUsd() {
        return Prices.LIST.requestsUsd(usage);
    }

    /** Bytes of the output files its tasks uploaded. */
    public synchronized long outputBytes() {
        return outputBytes;
    }

    /** What the job may spend in USD, or null: no budget. */
    public synchronized Double budgetUsd() {
        return budgetUsd;
    }

    public synchronized void budgetUsd(Double usd) {
        budgetUsd = usd;
    }
}
