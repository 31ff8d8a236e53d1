package dev.drover.cli.chaos;

/** A scheduler the harness talks to over HTTP, in this JVM or in a child process it can kill. */
interface SchedulerHandle extends AutoCloseable {
    /** host:port of the HTTP API. */
    String address();

    /** An admin's API token for it. */
    String token();

    /** kill -9; only a child process can do it. */
    void kill();

    /** Starts it again on the same port, data and stack, and waits until it answers. */
    void restart();

    @Override
    void close();
}
