package dev.drover.cli;

import picocli.CommandLine.Option;

/** Which scheduler a client command talks to. */
final class ServerOption {
    @Option(names = {"-s", "--scheduler"}, paramLabel = "HOST:PORT",
            defaultValue = "${env:DROVER_SCHEDULER:-127.0.0.1:7070}",
            description = "The scheduler's address (default: $DROVER_SCHEDULER or ${DEFAULT-VALUE}).")
    String address;

    SchedulerClient client() {
        return new SchedulerClient(address);
    }
}
