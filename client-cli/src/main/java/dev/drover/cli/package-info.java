/**
 * The {@code drover} command ({@link dev.drover.cli.Main}, picocli): one class per subcommand (run,
 * scheduler, submit, status, cancel, results, jobs, worker, local-aws, fleet, and a bench stub), the
 * scheduler's HTTP client, following a job with progress and a summary, and the embedded local-AWS
 * setup that {@code drover run} starts.
 */
package dev.drover.cli;
