/**
 * {@code drover bench}, the benchmark suite: throughput and efficiency on the in-JVM pool and on local
 * AWS, beside a raw SQS loop and a naive one-task-per-message design, requests and cost per task and
 * the elastic fleet's ramp-up, reported as Markdown, CSV, JSON and XChart plots. Built into
 * {@code bench/target/drover-bench.jar}, which {@code ./drover bench} runs (see docs/performance.md).
 */
package dev.drover.bench.suite;
