/**
 * The bottom of the scheduler: the values every part shares and nothing else. The adapters it works
 * through ({@code Backend}), its settings ({@code SchedulerConfig}, {@code Quotas}, {@code Policy}),
 * what a job and a task look like from outside ({@code JobView}, {@code TaskView}) and AWS list
 * prices ({@code Prices}). It depends on {@code core} alone, so every other package may use it.
 */
package dev.drover.scheduler.model;
