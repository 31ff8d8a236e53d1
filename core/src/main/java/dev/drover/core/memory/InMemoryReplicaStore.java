package dev.drover.core.memory;

import dev.drover.core.port.ReplicaStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Where replicas in one JVM meet: heartbeats and singleton leases in this JVM's heap, and each job's
 * owner and epoch on its record in the {@link InMemoryJobStore} they share, as the DynamoDB store keeps
 * them on the job's item. Every conditional write is one atomic step, so of two takers one wins.
 * Replicas in several JVMs cannot meet here: they need the DynamoDB store.
 */
public final class InMemoryReplicaStore implements ReplicaStore {
    private final InMemoryJobStore jobs;
    private final Map<String, Beat> beats = new ConcurrentHashMap<>();
    /** Singleton lease name to its holder. */
    private final Map<String, String> leases = new ConcurrentHashMap<>();

    public InMemoryReplicaStore(InMemoryJobStore jobs) {
        this.jobs = jobs;
    }

    @Override
    public void beat(Beat beat) {
        beats.put(beat.replica(), beat);
    }

    @Override
    public void leave(String replica) {
        beats.remove(replica);
    }

    @Override
    public List<Beat> replicas() {
        return new ArrayList<>(beats.values());
    }

    @Override
    public List<Owner> unfinished() {
        return jobs.unfinished();
    }

    @Override
    public Optional<Owner> owner(String jobId) {
        return jobs.owner(jobId);
    }

    @Override
    public boolean take(String jobId, String replica, long seen) {
        return jobs.take(jobId, replica, seen);
    }

    @Override
    public boolean lead(String name, String replica, Optional<String> staleHolder) {
        AtomicBoolean won = new AtomicBoolean();
        leases.compute(name, (n, holder) -> {
            boolean mine = holder == null || holder.equals(replica) || staleHolder.filter(holder::equals).isPresent();
            won.set(mine);
            return mine ? replica : holder;
        });
        return won.get();
    }

    @Override
    public Optional<String> leader(String name) {
        return Optional.ofNullable(leases.get(name));
    }
}
