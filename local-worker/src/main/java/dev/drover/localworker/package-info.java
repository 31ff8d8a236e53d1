/**
 * The in-JVM worker pool: N single-threaded instances of the same worker loop that remote workers
 * run, on in-memory queues and claim store.
 */
package dev.drover.localworker;
