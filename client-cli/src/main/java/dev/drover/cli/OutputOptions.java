package dev.drover.cli;

import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Where a followed job's summary and results go. */
final class OutputOptions {
    @Option(names = "--json", paramLabel = "FILE", description = "Write the summary as JSON to FILE.")
    Path json;

    @Option(names = "--results", paramLabel = "FILE", description = "Write every task's result to FILE, one JSON line a task.")
    Path results;

    @Option(names = "--download", paramLabel = "DIR",
            description = "When the job ends, write every task's output files to DIR/<seq>/ (SHA-256 checked; files already there and intact are skipped).")
    Path download;

    @Option(names = {"-q", "--quiet"}, description = "Print only the summary, no task lines.")
    boolean quiet;

    Optional<Path> resultsFile() {
        return Optional.ofNullable(results);
    }
}
