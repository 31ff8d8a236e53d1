/**
 * Drover's ports on AWS: one factory for every SDK client (region, credential chain, endpoint
 * override, exact call metering), the SQS, DynamoDB, S3 and EC2 adapters (the job store's meta item
 * mapping in {@code JobMetaItem}, its gzipped result chunks in {@code ResultChunks}), and the translation of
 * SDK exceptions into {@link dev.drover.core.InfrastructureException} at their boundary.
 */
package dev.drover.aws;
