package dev.drover.bench.suite;

import dev.drover.aws.CallMeter;
import dev.drover.aws.DynamoDbClaimStore;
import dev.drover.aws.SqsMessageQueue;
import dev.drover.service.EmbeddedAws;
import dev.drover.core.Usage;
import dev.drover.core.port.ClaimStore;
import dev.drover.core.port.MessageQueue;
import dev.drover.scheduler.model.Backend;
import dev.drover.localaws.ProcessFleetLauncher;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The embedded default: ElasticMQ, dynoxide and s3proxy on loopback, workers as processes. */
final class LocalAwsTarget implements RemoteTarget {
    private final EmbeddedAws stack;
    private final Clock clock;
    private final DynamoDbClaimStore claims;

    LocalAwsTarget(Clock clock) {
        this.clock = clock;
        this.stack = new EmbeddedAws(Optional.empty());
        this.claims = new DynamoDbClaimStore(stack.aws.dynamoDb(), stack.emulators.endpoints().claimsTable());
    }

    @Override
    public String description() {
        return "local AWS: ElasticMQ (SQS), dynoxide (DynamoDB), s3proxy (S3) as child processes on loopback;"
                + " workers are `drover worker` processes";
    }

    @Override
    public Backend backend() {
        return stack.backend;
    }

    @Override
    public Launcher launcher(int threads, String idleTimeout, Path dir) {
        ProcessFleetLauncher processes = new ProcessFleetLauncher(EmbeddedAws.workerCommand(threads, idleTimeout),
                stack.emulators.endpoints().workerEnvironment(), dir, clock);
        return new Launcher() {
            @Override
            public List<String> launch(int count) {
                return processes.launch(count);
            }

            @Override
            public List<Member> members() {
                return processes.members();
            }

            @Override
            public void close() {
                processes.close();
            }
        };
    }

    @Override
    public MessageQueue newQueue(String name) {
        String url = stack.aws.sqs().createQueue(b -> b.queueName(name)).queueUrl();
        return new SqsMessageQueue(stack.aws.sqs(), url);
    }

    @Override
    public ClaimStore claims() {
        return claims;
    }

    @Override
    public Usage usage() {
        return CallMeter.total();
    }

    /** Bytes of every object in the payload bucket now. */
    long bucketBytes() {
        return stack.aws.s3().listObjectsV2Paginator(b -> b.bucket(stack.emulators.endpoints().bucket())).contents().stream()
                .mapToLong(o -> o.size()).sum();
    }

    /** Bytes of the job's items in the jobs table: its record and its result chunks. */
    long jobItemBytes(String jobId) {
        return stack.aws.dynamoDb().queryPaginator(b -> b.tableName(stack.emulators.endpoints().jobsTable())
                        .keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk",
                                AttributeValue.fromS("job#" + jobId))))
                .items().stream().mapToLong(ScaleBench::itemBytes).sum();
    }

    @Override
    public void close() {
        stack.close();
    }
}
