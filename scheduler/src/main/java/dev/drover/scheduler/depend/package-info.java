/** Jobs that wait on other jobs ({@code drover submit --after}). Task-level dependencies are counted in {@code job/Dependencies}. */
package dev.drover.scheduler.depend;
