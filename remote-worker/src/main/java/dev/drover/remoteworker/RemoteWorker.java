package dev.drover.remoteworker;

import dev.drover.core.exec.TaskEnvironment;
import static dev.drover.core.queue.CompressingMessageQueue.overCloudQueue;

import dev.drover.aws.AwsClients;
import dev.drover.aws.AwsUsageMeter;
import dev.drover.aws.DroverResources;
import dev.drover.aws.DynamoDbClaimStore;
import dev.drover.aws.S3PayloadStore;
import dev.drover.aws.SqsMessageQueue;
import dev.drover.core.exec.Executors;
import dev.drover.core.exec.TaskUser;
import dev.drover.core.files.FilesCache;
import dev.drover.core.files.FilesCacheSettings;
import dev.drover.core.files.StoreWorkspace;
import java.io.IOException;
import java.io.UncheckedIOException;
import dev.drover.core.port.MessageQueue;
import dev.drover.core.worker.Worker;
import dev.drover.core.worker.WorkerConfig;
import dev.drover.core.worker.WorkerStats;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker loop on SQS, DynamoDB and S3: what runs on an EC2 instance or as a local process.
 * It drains on SIGTERM (stops polling, finishes running tasks, hands back the rest) and exits by
 * itself after its idle timeout. Its files cache goes with it: at a normal exit, and on SIGTERM or when
 * its parent is gone (when the JVM may halt before the worker's exit is seen) if the cache is the
 * worker's own temporary directory.
 */
public final class RemoteWorker {
    private static final Logger log = LoggerFactory.getLogger(RemoteWorker.class);
    /** How long a stopping process waits for its cache to be deleted (a few GB of small files take seconds). */
    public static final Duration CACHE_DELETE_BOUND = Duration.ofSeconds(15);

    private final Worker worker;
    private final FilesCache files;
    /** True when the cache is a temporary directory made for this worker, not a configured $DROVER_FILES_CACHE. */
    private final boolean ownCache;
    private final AtomicBoolean cacheDeleting = new AtomicBoolean();
    private final CompletableFuture<Void> cacheDeleted = new CompletableFuture<>();

    /**
     * The worker with its job files cache (tasks get files and send outputs through S3).
     *
     * @param taskBase the tasks' base environment (the worker's PATH, LANG and USER, read by its main)
     * @param taskUser who runs shell tasks (empty: the worker's own user)
     */
    public RemoteWorker(WorkerConfig config, DroverResources resources, AwsClients aws, Clock clock, FilesCacheSettings cache,
                        TaskEnvironment taskBase, Optional<TaskUser> taskUser) {
        S3PayloadStore payloads = new S3PayloadStore(aws.s3(), resources.bucket());
        MessageQueue requests = overCloudQueue(new SqsMessageQueue(aws.sqs(), resources.requestQueueUrl()), payloads);
        MessageQueue responses = overCloudQueue(new SqsMessageQueue(aws.sqs(), resources.responseQueueUrl()), payloads);
        AwsUsageMeter meter = new AwsUsageMeter();
        this.ownCache = cache.dir().isEmpty();
        try {
            this.files = cache.open(payloads, taskUser);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the files cache", e);
        }
        this.worker = new Worker(config, requests, responses, new DynamoDbClaimStore(aws.dynamoDb(), resources.claimsTable()),
                Executors.withWorkspace(new StoreWorkspace(payloads, files, cache.inputsLimit()), taskBase, taskUser), clock, meter::total);
    }

    /** Starts the worker and a SIGTERM hook that drains it; completes when the worker stops. */
    public CompletableFuture<WorkerStats> start() {
        Thread hook = new Thread(() -> {
            log.info("SIGTERM: draining");
            worker.drain().join();
            deleteOwnCache(CACHE_DELETE_BOUND);
        }, "drover-sigterm");
        Runtime.getRuntime().addShutdownHook(hook);
        return worker.start().exited().whenComplete((stats, e) -> deleteCache());
    }

    /**
     * For a process on its way out (after SIGTERM's drain, or before a halt): deletes the files cache if it
     * is the worker's own temporary directory, waiting at most {@code bound}. A configured directory is
     * left; the next worker on it empties it at start.
     */
    public void deleteOwnCache(Duration bound) {
        if (!ownCache) {
            return;
        }
        if (cacheDeleting.compareAndSet(false, true)) {
            Thread t = new Thread(this::deleteCacheNow, "drover-files-cache-delete");
            t.setDaemon(true);
            t.start();
        }
        try {
            cacheDeleted.get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            log.warn("the files cache was not deleted within {}: what is left stays on disk", bound);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** At the worker's exit: deletes the cache unless a stopping process is deleting it already. */
    private void deleteCache() {
        if (cacheDeleting.compareAndSet(false, true)) {
            deleteCacheNow();
        }
    }

    private void deleteCacheNow() {
        try {
            files.close();
        } finally {
            cacheDeleted.complete(null);
        }
    }

    /** Spot interruption: kill running tasks and hand every bundle back at once. */
    public CompletableFuture<WorkerStats> handBack() {
        return worker.handBack();
    }
}
