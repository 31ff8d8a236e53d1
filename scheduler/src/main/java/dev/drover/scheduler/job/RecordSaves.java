package dev.drover.scheduler.job;

/**
 * One job's record saves, in order: the dispatcher saves its cursor before each send while collectors
 * save the ended record and the retention sweep deletes it. A save computed before the job ended must
 * not land after the final one (the record would lose its counts), and none may land after the delete
 * (it would bring the record back, never to expire). Each save, and the delete, runs under this lock.
 */
final class RecordSaves {
    private boolean forgotten;

    /** Marks the job deleted: no save of it runs from now on. Under this object's lock. */
    void forget() {
        forgotten = true;
    }

    boolean forgotten() {
        return forgotten;
    }
}
