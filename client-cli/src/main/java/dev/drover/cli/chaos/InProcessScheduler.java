package dev.drover.cli.chaos;

import dev.drover.scheduler.model.Backend;
import dev.drover.scheduler.api.HttpApi;
import dev.drover.scheduler.Scheduler;
import dev.drover.scheduler.model.SchedulerConfig;
import dev.drover.scheduler.auth.Accounts;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/** The scheduler in this JVM, as {@code drover run} has it: cheap, and the source of an elastic fleet's demand. */
final class InProcessScheduler implements SchedulerHandle {
    final Scheduler scheduler;
    private final HttpApi api;
    private final Accounts.Local access = Accounts.local(Clock.systemUTC());

    InProcessScheduler(Backend backend, Path dir, int fleetThreads) throws IOException {
        this.scheduler = new Scheduler(SchedulerConfig.defaults(dir, fleetThreads), backend, Clock.systemUTC()).start();
        this.api = new HttpApi(scheduler, "127.0.0.1", 0, Map::of, access.accounts()).start();
    }

    @Override
    public String address() {
        return "127.0.0.1:" + api.port();
    }

    @Override
    public String token() {
        return access.adminToken();
    }

    @Override
    public void kill() {
        throw new UnsupportedOperationException("an in-process scheduler cannot be killed; plan a child scheduler");
    }

    @Override
    public void restart() {
        throw new UnsupportedOperationException("an in-process scheduler cannot be restarted; plan a child scheduler");
    }

    @Override
    public void close() {
        api.close();
        scheduler.close();
    }
}
