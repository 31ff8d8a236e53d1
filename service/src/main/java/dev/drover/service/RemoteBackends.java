package dev.drover.service;

import static dev.drover.core.queue.CompressingMessageQueue.overCloudQueue;

import dev.drover.aws.AwsClients;
import dev.drover.aws.AwsUsageMeter;
import dev.drover.aws.DroverResources;
import dev.drover.aws.DynamoDbClaimStore;
import dev.drover.aws.DynamoDbJobStore;
import dev.drover.aws.DynamoDbReplicaStore;
import dev.drover.aws.S3PayloadStore;
import dev.drover.aws.SqsMessageQueue;
import dev.drover.core.port.JobStore;
import dev.drover.core.port.MessageQueue;
import dev.drover.core.port.ReplicaStore;
import dev.drover.scheduler.model.Backend;
import java.util.Optional;

/** The scheduler's backend on SQS, DynamoDB and S3 (real AWS or the local emulators). */
public final class RemoteBackends {
    private RemoteBackends() {}

    /** Where scheduler replicas meet: the jobs table (empty without one). */
    public static Optional<ReplicaStore> replicas(AwsClients aws, DroverResources names) {
        return names.jobsTable().isBlank() ? Optional.empty()
                : Optional.of(new DynamoDbReplicaStore(aws.dynamoDb(), names.jobsTable()));
    }

    public static Backend create(AwsClients aws, DroverResources names) {
        S3PayloadStore payloads = new S3PayloadStore(aws.s3(), names.bucket());
        MessageQueue requests = overCloudQueue(new SqsMessageQueue(aws.sqs(), names.requestQueueUrl()), payloads);
        MessageQueue responses = overCloudQueue(new SqsMessageQueue(aws.sqs(), names.responseQueueUrl()), payloads);
        // dead letters are request bundles as workers received them: compressed, perhaps offloaded
        Optional<MessageQueue> deadLetters = names.deadLetterQueueUrl().isBlank() ? Optional.empty()
                : Optional.of(overCloudQueue(new SqsMessageQueue(aws.sqs(), names.deadLetterQueueUrl()), payloads));
        Optional<JobStore> jobs = names.jobsTable().isBlank() ? Optional.empty()
                : Optional.of(new DynamoDbJobStore(aws.dynamoDb(), names.jobsTable()));
        return new Backend(requests, responses, deadLetters, new DynamoDbClaimStore(aws.dynamoDb(), names.claimsTable()),
                payloads, jobs, new AwsUsageMeter());
    }
}
