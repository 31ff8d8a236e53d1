package dev.drover.cli;

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
import dev.drover.scheduler.Backend;
import dev.drover.scheduler.SchedulerConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/** The in-JVM pool and the in-memory backend it shares with the scheduler. */
public final class InJvmFleet implements AutoCloseable {
    private final Backend backend;
    private final LocalPool pool;
    /** One cache for the whole pool: it is one process. */
    private final FilesCache files;

    public InJvmFleet(int workers, Clock clock) {
        MessageQueue requests = new InMemoryMessageQueue(clock);
        MessageQueue responses = new InMemoryMessageQueue(clock);
        ClaimStore claims = new InMemoryClaimStore();
        InMemoryPayloadStore payloads = new InMemoryPayloadStore();
        this.backend = new Backend(requests, responses, Optional.empty(), claims, payloads, Optional.empty(), UsageMeter.NONE);
        try {
            this.files = FilesCacheSettings.defaults().open(payloads);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the files cache", e);
        }
        this.pool = new LocalPool(workers, requests, responses, claims,
                Executors.withWorkspace(new StoreWorkspace(payloads, files)), clock);
    }

    /** Scheduler settings for this pool. */
    public SchedulerConfig schedulerConfig(Path dataDir) {
        return SchedulerConfig.inJvm(dataDir, size());
    }

    /** The pool's files cache (one for the whole pool), so tests can count its fetches. */
    public FilesCache filesCache() {
        return files;
    }

    public Backend backend() {
        return backend;
    }

    public int size() {
        return pool.size();
    }

    @Override
    public void close() {
        pool.close();
        files.close();
    }
}
