package dev.drover.cli;

import dev.drover.service.RemoteBackends;
import dev.drover.service.EmbeddedAws;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.drover.aws.AwsClients;
import dev.drover.core.model.TaskStatus;
import dev.drover.localaws.LocalAws;
import dev.drover.localaws.LocalAwsEndpoints;
import dev.drover.localaws.LocalAwsOptions;
import dev.drover.scheduler.Scheduler;
import dev.drover.scheduler.model.SchedulerConfig;
import dev.drover.localaws.ProcessFleetLauncher;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;

/** The same end-to-end flow against LocalStack, when a Docker engine is there; skipped, never failed, without one. */
@Testcontainers(disabledWithoutDocker = true)
class LocalStackEndToEndTest {
    @Container
    static final LocalStackContainer LOCALSTACK = new LocalStackContainer(DockerImageName.parse("localstack/localstack:3.8"))
            .withServices(LocalStackContainer.Service.SQS, LocalStackContainer.Service.DYNAMODB, LocalStackContainer.Service.S3);

    @TempDir
    Path dir;

    @Test
    void runsAWorkloadThroughLocalStack() throws Exception {
        URI endpoint = LOCALSTACK.getEndpoint();
        LocalAwsEndpoints names = LocalAws.createResources(LocalAwsOptions.defaults(dir), endpoint, endpoint, endpoint);
        Clock clock = Clock.systemUTC();
        try (AwsClients aws = new AwsClients(names.awsSettings());
             ProcessFleetLauncher fleet = new ProcessFleetLauncher(EmbeddedAws.workerCommand(2, "10s"),
                     names.workerEnvironment(), dir.resolve("workers"), clock);
             Scheduler scheduler = new Scheduler(SchedulerConfig.defaults(dir.resolve("scheduler"), 4),
                     RemoteBackends.create(aws, EmbeddedAws.resources(names)), clock).start()) {
            fleet.launch(2);
            String jobId = scheduler.submit(new ByteArrayInputStream("echo hi\nsleep 10\n".repeat(50)
                    .getBytes(StandardCharsets.UTF_8)), "localstack.txt", "test").jobId();
            CompletableFuture.runAsync(() -> {
                try {
                    scheduler.awaitDone(jobId);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }).get(180, TimeUnit.SECONDS);
            assertEquals(100, scheduler.status(jobId).orElseThrow().counts().get(TaskStatus.SUCCEEDED));
        }
    }
}
