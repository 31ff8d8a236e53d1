/**
 * The assembly: {@link dev.drover.service.SchedulerService} builds a whole scheduler service (pool or
 * remote backend, scheduler, provisioner and launcher, HTTP API) from {@link dev.drover.service.ServiceOptions}.
 * {@link dev.drover.service.InJvmFleet} is the in-JVM pool with its in-memory backend,
 * {@link dev.drover.service.RemoteBackends} the backend on SQS, DynamoDB and S3, and
 * {@link dev.drover.service.EmbeddedAws} the emulators on loopback with the command of a local worker process.
 */
package dev.drover.service;
