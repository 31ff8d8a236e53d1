/**
 * The scheduler's HTTP API on the JDK's server: submit, status, results, cancel, jobs, fleet.
 */
package dev.drover.scheduler.api;
