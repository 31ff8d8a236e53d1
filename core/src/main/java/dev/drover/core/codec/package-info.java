/**
 * The one JSON codec ({@link dev.drover.core.codec.Json}) for everything Drover puts on the wire:
 * queue messages (bundles, result batches), stored records and the scheduler's HTTP API bodies.
 */
package dev.drover.core.codec;
