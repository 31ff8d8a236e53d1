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
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker loop on SQS, DynamoDB and S3: what runs on an EC2 instance or as a local process.
 * It drains on SIGTERM (stops polling, finishes running tasks, hands back the rest) and exits by
 * itself after its idle timeout.
 */
public final class RemoteWorker {
    private static final Logger log = LoggerFactory.getLogger(RemoteWorker.class);

    private final Worker worker;
    private final FilesCache files;

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
        try {
            this.files = cache.open(payloads);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the files cache", e);
        }
        this.worker = new Worker(config, requests, responses, new DynamoDbClaimStore(aws.dynamoDb(), resources.claimsTable()),
                Executors.withWorkspace(new StoreWorkspace(payloads, files), taskBase, taskUser), clock, meter::total);
    }

    /** Starts the worker and a SIGTERM hook that drains it; completes when the worker stops. */
    public CompletableFuture<WorkerStats> start() {
        Thread hook = new Thread(() -> {
            log.info("SIGTERM: draining");
            worker.drain().join();
        }, "drover-sigterm");
        Runtime.getRuntime().addShutdownHook(hook);
        return worker.start().exited().whenComplete((stats, e) -> files.close());
    }

    /** Spot interruption: kill running tasks and hand every bundle back at once. */
    public CompletableFuture<WorkerStats> handBack() {
        return worker.handBack();
    }
}
