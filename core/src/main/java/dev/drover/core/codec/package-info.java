/**
 * The one JSON codec ({@link dev.drover.core.codec.Json}) for everything Drover puts on the wire:
 * queue messages (bundles, result batches), stored records and the scheduler's HTTP API bodies; and
 * the one SHA-256 in hex ({@link dev.drover.core.codec.Sha256}) that names files packs and checks stored objects.
 */
package dev.drover.core.codec;
