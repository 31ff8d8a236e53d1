/**
 * Message-queue decorators over any {@link dev.drover.core.port.MessageQueue}: compression of bodies
 * of a kilobyte or more, and offloading of bodies over the queue's size limit to the payload store,
 * both undone transparently on receipt.
 */
package dev.drover.core.queue;
