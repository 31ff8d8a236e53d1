/**
 * Scheduler replicas: each {@code drover scheduler -rw --replica} registers a heartbeat in the job
 * store, owns the jobs submitted to it under a per-job epoch, and takes the jobs of a replica whose
 * heartbeat stops ({@link dev.drover.scheduler.replica.ReplicaNode}).
 */
package dev.drover.scheduler.replica;
