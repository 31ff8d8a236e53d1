package dev.drover.cli.chaos;

import dev.drover.scheduler.model.Backend;
import dev.drover.scheduler.fleet.Demand;
import dev.drover.service.SchedulerService;
import dev.drover.service.ServiceOptions;
import dev.drover.scheduler.auth.Accounts;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;

/** The scheduler in this JVM, as {@code drover run} has it: cheap, and the source of an elastic fleet's demand. */
final class InProcessScheduler implements SchedulerHandle {
    private final Accounts.Local access = Accounts.local(Clock.systemUTC());
    private final SchedulerService service;

    InProcessScheduler(Backend backend, Path dir, int fleetThreads) throws IOException {
        this.service = SchedulerService.start(ServiceOptions.of(dir, Clock.systemUTC(), new ServiceOptions.Remote(backend, fleetThreads))
                .withHttp(ServiceOptions.Http.loopback(access.accounts())));
    }

    /** The demand an elastic fleet follows. */
    Demand demand() {
        return service.scheduler().demand();
    }

    @Override
    public String address() {
        return "127.0.0.1:" + service.port();
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
        service.close();
    }
}
