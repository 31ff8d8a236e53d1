/**
 * The fault-injection suite behind {@code drover chaos}: each scenario runs a workload on local AWS
 * with real processes, injects one fault (a killed worker, scheduler or emulator, duplicated
 * deliveries, expired visibility, a spot notice, a poison task, a dropped network), and counts by
 * the tasks' own side effects what was lost and what ran twice.
 */
package dev.drover.cli.chaos;
