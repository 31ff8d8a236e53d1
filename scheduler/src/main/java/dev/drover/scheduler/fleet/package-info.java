/**
 * Sizes the fleet from the backlog and the measured task rate, and launches workers through a
 * {@link dev.drover.core.port.FleetLauncher}.
 */
package dev.drover.scheduler.fleet;
