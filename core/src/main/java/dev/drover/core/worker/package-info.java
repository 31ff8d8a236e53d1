/**
 * The one worker loop, one class per step: {@code Poller} receives bundles when {@code Capacity}
 * has room, {@code Claimer} claims them, {@code TaskRunner} runs their tasks, {@code ResultPublisher}
 * sends results and {@code Settler} marks bundles done and deletes their messages; {@code LeaseKeeper}
 * renews leases and {@code CancelWatcher} notices cancelled jobs, each on its own thread ({@code Watchers}).
 * {@code Worker} composes them and owns the lifecycle; {@code HandBack} gives back what a stopping worker holds.
 */
package dev.drover.core.worker;
