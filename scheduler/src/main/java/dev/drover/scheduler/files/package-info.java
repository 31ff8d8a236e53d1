/**
 * What travels beside a job through the payload store: its files packs in, its tasks' output files out.
 */
package dev.drover.scheduler.files;
