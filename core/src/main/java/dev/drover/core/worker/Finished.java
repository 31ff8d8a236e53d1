package dev.drover.core.worker;

import dev.drover.core.model.TaskResult;
import dev.drover.core.port.Message;

/**
 * An event for the publisher: a task's result, a task that was skipped (its job is cancelled) or a
 * bundle with nothing left to run, or a duplicate delivery to delete.
 */
record Finished(BundleRun run, TaskResult result, Message duplicate) {
    static final int RESULT_OVERHEAD_BYTES = 320;

    static Finished result(BundleRun run, TaskResult result) {
        return new Finished(run, result, null);
    }

    static Finished skipped(BundleRun run) {
        return new Finished(run, null, null);
    }

    static Finished duplicate(Message message) {
        return new Finished(null, null, message);
    }

    /** The result's size in a result message, estimated. */
    long bytes() {
        return result == null ? 0
                : RESULT_OVERHEAD_BYTES + result.command().length() + result.stdout().length() + result.stderr().length();
    }
}
