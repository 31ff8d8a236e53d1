package dev.drover.service;

import dev.drover.core.exec.TaskEnvironment;
import dev.drover.core.UsageMeter;
import dev.drover.core.exec.Executors;
import dev.drover.core.files.FilesCache;
import dev.drover.core.files.FilesCacheSettings;
import dev.drover.core.files.StoreWorkspace;
import java.io.IOException;
import java.io.UncheckedIOException;
import dev.drover.core.memory.InMemoryClaimStore;
import dev.drover.core.memory.InMemoryMessageQueue;
import dev.drover.core.memory.InMemoryPayloadStore;
import dev.drover.core.port.ClaimStore;
import dev.drover.core.port.MessageQueue;
import dev.drover.localworker.LocalPool;
import dev.drover.scheduler.model.Backend;
import dev.drover.scheduler.model.SchedulerConfig;
import java.nio.file.Path;
import dev.drover.core.retention.StoreRetention;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import dev.drover.core.files.FilesPack;
import java.nio.file.Files;

/** The in-JVM pool and the in-memory backend it shares with the scheduler. */
public final class InJvmFleet implements AutoCloseable {
    /** Largest message on the pool's queues: far above any bundle or result message, a bound on a broken one. */
    static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

    private final Backend backend;
    private final LocalPool pool;
    /** One cache for the whole pool: it is one process. */
    private final FilesCache files;
    /** The bucket's lifecycle rule, for the pool's in-memory store (a long-running scheduler's). */
    private final StoreRetention retention;
    /** Where the in-memory store keeps its large objects. */
    private final Path spool;

    public InJvmFleet(int workers, Clock clock) {
        this(workers, clock, StoreRetention.DEFAULT_RETENTION);
    }

    public InJvmFleet(int workers, Clock clock, Duration retention) {
        this(workers, clock, retention, true, TaskEnvironment.fromWorker(System.getenv()));
    }

    /**
     * @param reuseFilesCopies lend a task's untouched copy of the job's files again (false: a fresh copy each task)
     * @param taskBase         the tasks' base environment: the process's PATH, LANG and USER
     */
    public InJvmFleet(int workers, Clock clock, Duration retention, boolean reuseFilesCopies, TaskEnvironment taskBase) {
        // not SQS's 256 KiB: nothing travels but the heap here, and a result message cut at 200 KiB of output
        // can pass 256 KiB as JSON (a byte that is not UTF-8 becomes three), which was refused and retried for ever
        MessageQueue requests = new InMemoryMessageQueue(clock, MAX_MESSAGE_BYTES, Integer.MAX_VALUE, null);
        MessageQueue responses = new InMemoryMessageQueue(clock, MAX_MESSAGE_BYTES, Integer.MAX_VALUE, null);
        ClaimStore claims = new InMemoryClaimStore();
        try {
            // packs and outputs over 1 MiB on disk, not the heap; the store is this process's, so is the directory
            this.spool = Files.createTempDirectory("drover-store-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the store's spool directory", e);
        }
        InMemoryPayloadStore payloads = new InMemoryPayloadStore(clock, Optional.of(spool));
        this.backend = new Backend(requests, responses, Optional.empty(), claims, payloads, Optional.empty(), UsageMeter.NONE);
        try {
            this.files = new FilesCache(payloads, Files.createTempDirectory("drover-files-"),
                    FilesCacheSettings.defaults().limit(), reuseFilesCopies);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the files cache", e);
        }
        this.retention = new StoreRetention(payloads, retention, clock).start(StoreRetention.DEFAULT_SWEEP_EVERY);
        this.pool = new LocalPool(workers, requests, responses, claims,
                Executors.withWorkspace(new StoreWorkspace(payloads, files), taskBase), clock);
    }

    /** Scheduler settings for this pool. */
    public SchedulerConfig schedulerConfig(Path dataDir) {
        return SchedulerConfig.inJvm(dataDir, size());
    }

    /** The pool's files cache (one for the whole pool), so tests can count its fetches. */
    public FilesCache filesCache() {
        return files;
    }

    /** The pool's store retention: tests sweep it with a clock of their own. */
    public StoreRetention retention() {
        return retention;
    }

    public Backend backend() {
        return backend;
    }

    public int size() {
        return pool.size();
    }

    @Override
    public void close() {
        retention.close();
        pool.close();
        files.close();
        FilesPack.deleteTree(spool);
    }
}
