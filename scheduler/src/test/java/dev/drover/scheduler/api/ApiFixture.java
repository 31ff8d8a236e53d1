package dev.drover.scheduler.api;

import dev.drover.core.UsageMeter;
import dev.drover.core.memory.InMemoryClaimStore;
import dev.drover.core.memory.InMemoryMessageQueue;
import dev.drover.core.memory.InMemoryPayloadStore;
import dev.drover.scheduler.model.Backend;
import dev.drover.scheduler.Scheduler;
import dev.drover.scheduler.model.Quotas;
import dev.drover.scheduler.model.SchedulerConfig;
import dev.drover.scheduler.auth.Accounts;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/** A scheduler with no workers (its tasks stay queued) behind a real HTTP API, with an admin and two users. */
final class ApiFixture implements AutoCloseable {
    final Path dataDir;
    final Scheduler scheduler;
    final Accounts accounts;
    final String adminToken;
    final String annToken;
    final String bobToken;
    final HttpApi api;

    ApiFixture(Path dir, HttpApi.Limits limits) throws Exception {
        this(dir, limits, Quotas.defaults());
    }

    ApiFixture(Path dir, HttpApi.Limits limits, Quotas quotas) throws Exception {
        this(dir, limits, quotas, dev.drover.scheduler.tls.Transport.plain());
    }

    ApiFixture(Path dir, HttpApi.Limits limits, Quotas quotas, dev.drover.scheduler.tls.Transport transport) throws Exception {
        this(dir, limits, quotas, transport, new InMemoryPayloadStore());
    }

    /** The same on this payload store (a test's stand-in that fails on purpose). */
    ApiFixture(Path dir, HttpApi.Limits limits, Quotas quotas, dev.drover.scheduler.tls.Transport transport,
               dev.drover.core.port.PayloadStore payloads) throws Exception {
        Clock clock = Clock.systemUTC();
        this.dataDir = dir.resolve("data");
        Backend backend = new Backend(new InMemoryMessageQueue(clock), new InMemoryMessageQueue(clock), Optional.empty(),
                new InMemoryClaimStore(), payloads, Optional.empty(), UsageMeter.NONE);
        this.scheduler = new Scheduler(SchedulerConfig.defaults(dataDir, 4).withQuotas(quotas), backend, clock).start();
        Accounts.Local local = Accounts.local(clock);
        this.accounts = local.accounts();
        this.adminToken = local.adminToken();
        this.annToken = accounts.add("ann", false);
        this.bobToken = accounts.add("bob", false);
        this.api = new HttpApi(scheduler, "127.0.0.1", 0, () -> Map.of("workers", 0), accounts, limits, transport).start();
    }

    int port() {
        return api.port();
    }

    @Override
    public void close() {
        api.close();
        scheduler.close();
    }
}
