/**
 * JMH micro-benchmarks of Drover's hot path without queues or threads ({@code HotPathBenchmark}:
 * parse, bundle, encode, decode, execute, result), built into {@code bench/target/benchmarks.jar}
 * and run by hand. The {@code drover bench} suite is in {@code dev.drover.bench.suite}.
 */
package dev.drover.bench;
