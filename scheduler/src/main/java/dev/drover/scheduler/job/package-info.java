/**
 * A job's live state ({@code JobState}, made of {@code TaskProgress}, {@code TaskTimes},
 * {@code JobCost}, {@code DispatchCursor}, {@code JobLife} (end, cancel, last result),
 * {@code JobDependencies} (what its tasks and the job wait on; asked through {@code job.dependencies()})
 * and {@code ResultReplay} (an ended job's results, read back when first needed)), its workload served by task number
 * ({@code JobWorkload}), result recording ({@code ResultRecorder}) into its result log, and what is
 * saved so that a restarted scheduler loses nothing: persistence and recovery; and retention, which
 * forgets jobs that ended longer ago than {@code --retention}.
 */
package dev.drover.scheduler.job;
