/**
 * Takes result messages (and dead-lettered bundles) off their queues and records them idempotently.
 */
package dev.drover.scheduler.collect;
