/**
 * A job's live state ({@code JobState}, made of {@code TaskProgress}, {@code TaskTimes},
 * {@code JobCost} and {@code DispatchCursor}), its workload served by task number
 * ({@code JobWorkload}), result recording ({@code ResultRecorder}) into its result log, and what is
 * saved so that a restarted scheduler loses nothing: persistence and recovery; and retention, which
 * forgets jobs that ended longer ago than {@code --retention}.
 */
package dev.drover.scheduler.job;
