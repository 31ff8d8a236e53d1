/**
 * Drover's core, free of any AWS SDK. This package holds the exactly counted billable calls
 * ({@link dev.drover.core.Usage}, {@link dev.drover.core.UsageMeter}) and the
 * {@link dev.drover.core.InfrastructureException} that adapters translate service failures into;
 * subpackages hold the model, the ports and their in-memory adapters, executors, the workload reader,
 * queue decorators, the JSON codec and the one worker loop.
 */
package dev.drover.core;
