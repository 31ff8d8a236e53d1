package dev.drover.core.memory;

import dev.drover.core.port.ClaimStore;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Claims in this JVM, with the same conditional semantics as the DynamoDB adapter. */
public final class InMemoryClaimStore implements ClaimStore {
    private record Record(String owner, Instant leaseUntil, boolean done, int claimCount, Set<Long> reported) {}

    private final Map<String, Record> claims = new ConcurrentHashMap<>();
    private final Set<String> cancelled = ConcurrentHashMap.newKeySet();

    @Override
    public ClaimOutcome claim(String bundleId, String owner, Instant now, Duration lease) {
        ClaimOutcome[] outcome = new ClaimOutcome[1];
        claims.compute(bundleId, (id, r) -> {
            if (r == null) {
                outcome[0] = new ClaimOutcome.Claimed(1, Set.of());
                return new Record(owner, now.plus(lease), false, 1, Set.of());
            }
            if (r.done) {
                outcome[0] = new ClaimOutcome.Done();
                return r;
            }
            if (r.leaseUntil.isAfter(now)) {
                outcome[0] = new ClaimOutcome.Busy(r.leaseUntil);
                return r;
            }
            outcome[0] = new ClaimOutcome.Claimed(r.claimCount + 1, r.reported);
            return new Record(owner, now.plus(lease), false, r.claimCount + 1, r.reported);
        });
        return outcome[0];
    }

    @Override
    public boolean renew(String bundleId, String owner, Instant now, Duration lease, Set<Long> reported) {
        boolean[] ok = new boolean[1];
        claims.computeIfPresent(bundleId, (id, r) -> {
            if (r.done || !r.owner.equals(owner)) {
                return r;
            }
            ok[0] = true;
            return new Record(owner, now.plus(lease), false, r.claimCount, union(r.reported, reported));
        });
        return ok[0];
    }

    @Override
    public boolean complete(String bundleId, String owner, Instant now) {
        boolean[] ok = new boolean[1];
        // As in DynamoDB: a bundle with no record gets a done one; another owner's bundle is left alone.
        claims.compute(bundleId, (id, r) -> {
            if (r != null && !r.owner.equals(owner)) {
                return r;
            }
            ok[0] = true;
            return r == null ? new Record(owner, now, true, 0, Set.of()) : new Record(r.owner, r.leaseUntil, true, r.claimCount, r.reported);
        });
        return ok[0];
    }

    @Override
    public void release(String bundleId, String owner, Instant now, Set<Long> reported) {
        claims.computeIfPresent(bundleId, (id, r) -> r.done || !r.owner.equals(owner) ? r
                : new Record(owner, now, false, r.claimCount, union(r.reported, reported)));
    }

    @Override
    public void cancelJob(String jobId, Instant now) {
        cancelled.add(jobId);
    }

    @Override
    public boolean isCancelled(String jobId) {
        return cancelled.contains(jobId);
    }

    private static Set<Long> union(Set<Long> a, Set<Long> b) {
        if (b.isEmpty()) {
            return a;
        }
        Set<Long> all = new HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }
}
