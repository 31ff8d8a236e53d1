/**
 * In-memory adapters of the ports (message queue, claim store, job store, payload store) with the same
 * semantics as the AWS ones: the in-JVM pool runs on them, and tests hold the SQS and DynamoDB
 * adapters to them.
 */
package dev.drover.core.memory;
