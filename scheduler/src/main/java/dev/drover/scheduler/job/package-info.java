/**
 * A job's live state (one status byte per task), its result log, and what is saved so that a
 * restarted scheduler loses nothing: persistence and recovery; and retention, which forgets jobs that
 * ended longer ago than {@code --retention}.
 */
package dev.drover.scheduler.job;
