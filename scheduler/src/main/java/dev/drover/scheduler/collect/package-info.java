/**
 * Takes result messages (and dead-lettered bundles) off their queues and records them idempotently;
 * seals the bundles the scheduler sends and accepts only results a bundle's seal proves.
 */
package dev.drover.scheduler.collect;
