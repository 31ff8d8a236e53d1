/**
 * {@code drover worker}: the worker loop on SQS, DynamoDB and S3, for an EC2 instance or a local process.
 * It exits by itself after its idle timeout, drains on SIGTERM, hands its work back on a spot
 * interruption notice (read through a small IMDSv2 client), and can power the instance off after an
 * idle exit.
 */
package dev.drover.remoteworker;
