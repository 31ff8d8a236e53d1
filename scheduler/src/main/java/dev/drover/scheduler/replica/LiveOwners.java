package dev.drover.scheduler.replica;

import dev.drover.core.port.ReplicaStore;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The address of the other live replica that owns a job, as the job store said at most
 * {@link #FRESH_MILLIS} ago: a collector that receives such a job's results hands them to the owner
 * over HTTP instead of hiding them a second (three replicas sharing the response queue left a result
 * two seconds late on average that way). While the owner is gone or unknown the results stay hidden a
 * second, so they do not go round the queue unread until a new owner takes the job. One consistent
 * read per job a second at most.
 */
final class LiveOwners implements Function<String, Optional<String>> {
    static final long FRESH_MILLIS = 1000;
    /** Past this many jobs the answers are all dropped: they are a second's worth, not a record. */
    private static final int MAX_JOBS = 10_000;

    private record Answer(Optional<String> address, long at) {}

    private final ReplicaStore store;
    private final String self;
    private final Supplier<Map<String, String>> live;
    private final Clock clock;
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();

    /** @param live the replicas not judged gone, by id, with their addresses, as of the last heartbeat */
    LiveOwners(ReplicaStore store, String self, Supplier<Map<String, String>> live, Clock clock) {
        this.store = store;
        this.self = self;
        this.live = live;
        this.clock = clock;
    }

    @Override
    public Optional<String> apply(String jobId) {
        long now = clock.millis();
        Answer a = answers.get(jobId);
        if (a == null || now - a.at() >= FRESH_MILLIS) {
            if (answers.size() >= MAX_JOBS) {
                answers.clear();
            }
            a = new Answer(liveOwnerElsewhere(jobId), now);
            answers.put(jobId, a);
        }
        return a.address();
    }

    private Optional<String> liveOwnerElsewhere(String jobId) {
        try {
            return store.owner(jobId).map(ReplicaStore.Owner::replica).filter(r -> !r.equals(self))
                    .map(r -> live.get().get(r));
        } catch (RuntimeException e) {
            return Optional.empty(); // hidden a second, as before: the next receive asks again
        }
    }
}
