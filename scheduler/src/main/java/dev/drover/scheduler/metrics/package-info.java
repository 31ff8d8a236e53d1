/**
 * The scheduler's figures for {@code GET /metrics} (Micrometer's Prometheus registry) and the dashboard:
 * tasks and jobs by state, queue depth, fleet size and cost, latency histograms, AWS calls; and the
 * pusher that sends the same figures to a metrics service (CloudWatch) once a step.
 */
package dev.drover.scheduler.metrics;
