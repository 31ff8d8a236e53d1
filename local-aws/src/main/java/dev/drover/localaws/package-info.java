/**
 * AWS on a laptop: starts ElasticMQ, dynoxide and s3proxy as watched child processes on
 * loopback, creates Drover's queues, tables and bucket, and launches worker processes in place of
 * EC2 instances ({@link dev.drover.localaws.ProcessFleetLauncher}).
 */
package dev.drover.localaws;
