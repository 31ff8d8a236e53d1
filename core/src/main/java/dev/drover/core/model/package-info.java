/**
 * The task protocol's values: a {@link dev.drover.core.model.Task}, the
 * {@link dev.drover.core.model.Bundle} of tasks that travels as one message and is claimed and leased
 * as one, a task's {@link dev.drover.core.model.TaskResult} and status, and the
 * {@link dev.drover.core.model.ResultBatch} a worker posts back.
 */
package dev.drover.core.model;
