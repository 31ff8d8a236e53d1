package dev.drover.cli.chaos;

/** What a scenario does to a running job, on its own thread while the harness waits for the job to end. */
@FunctionalInterface
interface Fault {
    Fault NONE = context -> { };

    void inject(FaultContext context) throws Exception;
}
