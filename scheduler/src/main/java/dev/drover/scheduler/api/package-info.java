/**
 * The scheduler's HTTP API on Jetty ({@link dev.drover.scheduler.api.ApiServer}): {@link
 * dev.drover.scheduler.api.HttpApi} admits a request (permits, streams' budget), authenticates it
 * ({@link dev.drover.scheduler.api.Authenticator}) and hands it to the route table's handler of its
 * resource: {@code JobsResource} (submit, status, tasks, results, outputs, cancel, why, rerun),
 * {@code UsersResource}, {@code FilesResource}, {@code BillResource}, {@code FleetResource},
 * {@code EventsResource} and {@link dev.drover.scheduler.api.Dashboard} (the dashboard's data and page),
 * {@code SessionsResource} (sign-in), {@code MetricsResource}. Handlers call the engine through
 * {@link dev.drover.scheduler.Engine} only. On a scheduler replica, {@code Forwarder} passes a request for a
 * running job another replica owns to that replica, as the caller (see {@code dev.drover.scheduler.forward}),
 * and spans the jobs list and the bill over the live replicas. Every route and status code is in
 * {@code docs/api.yaml}; ApiDocumentTest holds the two together.
 */
package dev.drover.scheduler.api;
