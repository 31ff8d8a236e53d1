/**
 * The ports Drover's logic talks through, each with an AWS adapter (module {@code aws}) and an in-memory
 * one ({@code dev.drover.core.memory}): an SQS-like message queue, the claim store that leases bundles,
 * the durable job store, object storage for oversized payloads, and the fleet launcher.
 */
package dev.drover.core.port;
