package dev.drover.scheduler.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.drover.core.port.ReplicaStore;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Where a collector hands another replica's results: the owner's address while it is live, read once a second a job. */
class LiveOwnersTest {
    final Map<String, String> owners = new HashMap<>();
    final AtomicInteger reads = new AtomicInteger();
    final Instant[] now = {Instant.parse("2026-01-01T00:00:00Z")};
    final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now[0];
        }
    };
    final ReplicaStore store = (ReplicaStore) Proxy.newProxyInstance(ReplicaStore.class.getClassLoader(),
            new Class<?>[] {ReplicaStore.class}, (proxy, method, args) -> {
                if (!method.getName().equals("owner")) {
                    throw new UnsupportedOperationException(method.getName());
                }
                reads.incrementAndGet();
                String job = (String) args[0];
                if (job.equals("j-unreadable")) {
                    throw new IllegalStateException("the store did not answer");
                }
                return Optional.ofNullable(owners.get(job)).map(r -> new ReplicaStore.Owner(job, r, 1));
            });
    final LiveOwners live = new LiveOwners(store, "r-self", () -> Map.of("r-self", "self:1", "r-b", "b:1"), clock);

    @Test
    void aJobOfAnotherLiveReplicaHasItsAddressAndNoOtherHasOne() {
        owners.put("j-b", "r-b");
        owners.put("j-self", "r-self");
        owners.put("j-gone", "r-gone");
        assertEquals(Optional.of("b:1"), live.apply("j-b"));
        assertEquals(Optional.empty(), live.apply("j-self"), "this replica's own");
        assertEquals(Optional.empty(), live.apply("j-gone"), "its owner is not live");
        assertEquals(Optional.empty(), live.apply("j-none"), "nobody owns it");
        assertEquals(Optional.empty(), live.apply("j-unreadable"), "the store failed: hidden, as with no owner");
    }

    @Test
    void theStoreIsReadOnceASecondAJob() {
        owners.put("j-b", "r-b");
        live.apply("j-b");
        live.apply("j-b");
        assertEquals(1, reads.get());
        owners.put("j-b", "r-gone"); // taken over by a replica since judged gone
        assertEquals(Optional.of("b:1"), live.apply("j-b"), "within the second, the answer read");
        now[0] = now[0].plusMillis(LiveOwners.FRESH_MILLIS);
        assertEquals(Optional.empty(), live.apply("j-b"), "a second on, read again");
        assertEquals(2, reads.get());
    }
}
