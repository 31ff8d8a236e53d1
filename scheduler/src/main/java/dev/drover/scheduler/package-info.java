/**
 * The scheduler service, read as the data flow: {@code intake} takes a workload, {@code dispatch}
 * puts its bundles on the request queue, workers run them, {@code collect} takes their results off
 * the response queue into the {@code job} state; {@code fleet} sizes the workers beside it, and
 * {@code api} serves it all over HTTP. {@link dev.drover.scheduler.Scheduler} composes them and hands
 * each call to one class here: the submit path to {@code Submissions}, a cancel to {@code Canceller},
 * recovery at start and a dead replica's jobs to {@code Restorer}, its threads to {@code SchedulerThreads};
 * the jobs it holds are in {@code JobTable}.
 * {@code model} holds the values all of them share, at the bottom; {@code why} and {@code rerun}
 * are features over the whole, beside {@code billing}.
 */
package dev.drover.scheduler;
