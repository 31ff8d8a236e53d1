package dev.drover.scheduler.model;

import dev.drover.core.UsageMeter;
import dev.drover.core.port.ClaimStore;
import dev.drover.core.port.JobStore;
import dev.drover.core.port.MessageQueue;
import dev.drover.core.port.PayloadStore;
import java.util.Optional;

/**
 * The adapters a scheduler works through: in-memory ones for the in-JVM pool, SQS, DynamoDB and
 * S3 ones for remote workers. {@code jobStore} is empty when jobs need not outlive the process.
 */
public record Backend(MessageQueue requests, MessageQueue responses, Optional<MessageQueue> deadLetters,
                      ClaimStore claims, PayloadStore payloads, Optional<JobStore> jobStore, UsageMeter meter) {}
