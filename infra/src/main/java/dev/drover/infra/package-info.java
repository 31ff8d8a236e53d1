/**
 * The CDK app that deploys Drover to an AWS account: queues with dead-letter queues, tables,
 * bucket, least-privilege IAM, the worker launch template, the scheduler replicas behind a load
 * balancer, and alarms, one construct each.
 */
package dev.drover.infra;
