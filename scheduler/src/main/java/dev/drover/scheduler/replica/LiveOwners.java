package dev.drover.scheduler.replica;

import dev.drover.core.port.ReplicaStore;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Whether another live replica owns a job, as the job store said at most {@link #FRESH_MILLIS} ago: a
 * collector that receives such a job's results makes them visible again at once, for the owner's
 * collectors, instead of hiding them a second (three replicas sharing the response queue left a
 * result two seconds late on average that way). While the owner is gone or unknown the results stay
 * hidden a second, so they do not go round the queue unread until a new owner takes the job. One
 * consistent read per job a second at most.
 */
final class LiveOwners implements Predicate<String> {
    static final long FRESH_MILLIS = 1000;
    /** Past this many jobs the answers are all dropped: they are a second's worth, not a record. */
    private static final int MAX_JOBS = 10_000;

    private record Answer(boolean alive, long at) {}

    private final ReplicaStore store;
    private final String self;
    private final Supplier<Map<String, String>> live;
    private final Clock clock;
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();

    /** @param live the replicas not judged gone, by id, as of the last heartbeat */
    LiveOwners(ReplicaStore store, String self, Supplier<Map<String, String>> live, Clock clock) {
        this.store = store;
        this.self = self;
        this.live = live;
        this.clock = clock;
    }

    @Override
    public boolean test(String jobId) {
        long now = clock.millis();
        Answer a = answers.get(jobId);
        if (a == null || now - a.at() >= FRESH_MILLIS) {
            if (answers.size() >= MAX_JOBS) {
                answers.clear();
            }
            a = new Answer(ownedElsewhereByLive(jobId), now);
            answers.put(jobId, a);
        }
        return a.alive();
    }

    private boolean ownedElsewhereByLive(String jobId) {
        try {
            return store.owner(jobId).map(ReplicaStore.Owner::replica)
                    .filter(r -> !r.equals(self) && live.get().containsKey(r)).isPresent();
        } catch (RuntimeException e) {
            return false; // hidden a second, as before: the next receive asks again
        }
    }
}
