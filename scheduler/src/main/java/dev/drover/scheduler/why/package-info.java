/**
 * Why a task has not run yet: the reasons (queue depth, quotas, fair share, budget, the fleet) read
 * from the scheduler's live state, for {@code GET /jobs/{id}/why} and the dashboard's why panel.
 */
package dev.drover.scheduler.why;
