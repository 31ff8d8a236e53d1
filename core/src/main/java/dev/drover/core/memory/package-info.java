/**
 * In-memory adapters of the ports (message queue, claim store, job store, replica store, payload
 * store) with the same semantics as the AWS ones: the in-JVM pool runs on them, tests hold the SQS
 * and DynamoDB adapters to them, and the bench runs scheduler replicas in one JVM on them.
 */
package dev.drover.core.memory;
