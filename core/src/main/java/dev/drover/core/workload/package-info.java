/**
 * Reading workload files: the streaming {@link dev.drover.core.workload.WorkloadReader} (one task a line,
 * {@code @timeout} and {@code @retries} directives) over {@code WorkloadLines} (checked UTF-8 lines and
 * their byte offsets), the task specs it yields, the
 * {@code file:line: reason} errors it reports, and the duration syntax users type.
 */
package dev.drover.core.workload;
