/**
 * The scheduler service, read as the data flow: {@code intake} takes a workload, {@code dispatch}
 * puts its bundles on the request queue, workers run them, {@code collect} takes their results off
 * the response queue into the {@code job} state; {@code fleet} sizes the workers beside it, and
 * {@code api} serves it all over HTTP. {@link dev.drover.scheduler.Scheduler} composes them.
 * {@code model} holds the values all of them share, at the bottom; {@code why} and {@code rerun}
 * are features over the whole, beside {@code billing}.
 */
package dev.drover.scheduler;
