package dev.drover.cli.chaos;

/**
 * Where a scenario runs: the fleet, where the scheduler lives, whether the emulators keep their
 * data on disk, what stands between the processes and the emulators, and a spot worker.
 */
record Plan(Fleet fleet, int workers, int threads, boolean childScheduler, boolean persistent, Hop hop,
            boolean spotWorker) {
    enum Fleet {
        /** Launched by the provisioner as the backlog asks, in this JVM beside an in-process scheduler. */
        ELASTIC,
        /** {@code workers} processes started at once and never replaced. */
        FIXED
    }

    enum Hop {
        DIRECT,
        /** Workers reach SQS, DynamoDB and S3 through {@link ChaosProxy}s. */
        NETWORK,
        /** The scheduler and workers reach SQS through a {@link SqsTamperProxy} that sends every message twice. */
        DUPLICATE_SENDS,
        /** Workers reach SQS through a {@link SqsTamperProxy} that sets every visibility change to 0. */
        EXPIRE_VISIBILITY
    }

    Plan {
        if (fleet == Fleet.ELASTIC && childScheduler) {
            throw new IllegalArgumentException("an elastic fleet is provisioned from an in-process scheduler's demand");
        }
    }

    static Plan fixed(int workers) {
        return new Plan(Fleet.FIXED, workers, 2, false, false, Hop.DIRECT, false);
    }

    static Plan elastic(int maxWorkers) {
        return new Plan(Fleet.ELASTIC, maxWorkers, 2, false, false, Hop.DIRECT, false);
    }

    Plan withChildScheduler() {
        return new Plan(fleet, workers, threads, true, persistent, hop, spotWorker);
    }

    Plan withPersistence() {
        return new Plan(fleet, workers, threads, childScheduler, true, hop, spotWorker);
    }

    Plan via(Hop through) {
        return new Plan(fleet, workers, threads, childScheduler, persistent, through, spotWorker);
    }

    Plan withSpotWorker() {
        return new Plan(fleet, workers, threads, childScheduler, persistent, hop, true);
    }
}
