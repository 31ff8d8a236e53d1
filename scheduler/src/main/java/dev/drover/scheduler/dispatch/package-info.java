/**
 * Puts each job's tasks on the request queue: {@code Dispatcher} takes turns from a
 * {@code DispatchOrder} ({@code FairOrder}: fair share across users by weight; {@code FifoOrder}:
 * global submission order), {@code BundlePlanner} cuts bundles by expected work,
 * {@code JobBatches} keeps what each job sends next, and {@code BundleSender} sends them, metered,
 * isolating one job's faults from the others. The dispatcher is the one sender on the request
 * queue; {@code LostWorkWatch} asks it to re-send dispatched work that was lost.
 */
package dev.drover.scheduler.dispatch;
