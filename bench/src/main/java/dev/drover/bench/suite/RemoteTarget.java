package dev.drover.bench.suite;

import dev.drover.core.Usage;
import dev.drover.core.port.ClaimStore;
import dev.drover.core.port.FleetLauncher;
import dev.drover.core.port.MessageQueue;
import dev.drover.scheduler.model.Backend;
import java.nio.file.Path;

/**
 * Where the remote cases run: the embedded default (emulators on loopback, {@code drover worker}
 * processes), or, for the suite's own smoke test, an in-memory stand-in with counted calls and
 * worker "processes" that are {@code Worker}s in this JVM.
 */
interface RemoteTarget extends AutoCloseable {
    /** A fleet of workers that stop when closed (drain). */
    interface Launcher extends FleetLauncher, AutoCloseable {
        @Override
        void close();
    }

    /** One line for the report: what the remote cases ran on. */
    String description();

    /** The scheduler's backend; one for the whole run, a new scheduler per case. */
    Backend backend();

    /** A launcher of workers with {@code threads} task threads each, logging under {@code dir}. */
    Launcher launcher(int threads, String idleTimeout, Path dir);

    /** A new, empty queue for the baseline loops (same emulator and adapter as Drover's queues). */
    MessageQueue newQueue(String name);

    /** Drover's claim store (the baseline loops claim each task there, with their own ids). */
    ClaimStore claims();

    /** Every billable call this JVM has made so far through {@link #newQueue} and {@link #claims}, and more. */
    Usage usage();

    @Override
    void close();
}
