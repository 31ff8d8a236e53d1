package dev.drover.scheduler.forward;

import dev.drover.core.port.ReplicaStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Where a job's requests go when this replica does not hold the job: its owner, as the job store says
 * now (one consistent read of the job's owner), at the address the replica registry gives it. Asked only
 * for a job this replica does not know: its own jobs and the ended jobs of any replica are answered here.
 */
public final class OwnerRouting {
    private final ReplicaStore store;
    private final String self;
    /** The replicas judged alive, by id, and their addresses, as of the last heartbeat. */
    private final Supplier<Map<String, String>> live;

    public OwnerRouting(ReplicaStore store, String self, Supplier<Map<String, String>> live) {
        this.store = store;
        this.self = self;
        this.live = live;
    }

    /**
     * A running job's owner, when that is another replica: its id, and its address if it is judged alive
     * (empty while it is judged gone: its jobs are being taken, and the caller is told to try again). Empty
     * if the job has no owner, is this replica's, or is unknown.
     */
    public Optional<Remote> elsewhere(String jobId) {
        Optional<ReplicaStore.Owner> owner = store.owner(jobId);
        if (owner.isEmpty() || owner.get().replica() == null || owner.get().replica().equals(self)) {
            return Optional.empty();
        }
        String replica = owner.get().replica();
        return Optional.of(new Remote(replica, Optional.ofNullable(live.get().get(replica))));
    }

    /** Another replica that owns a job, and where it answers if it is alive. */
    public record Remote(String replica, Optional<String> address) {}

    /** True while the replica is judged alive (as of this replica's last heartbeat: no call made). */
    public boolean alive(String replica) {
        return live.get().containsKey(replica);
    }

    /** The other live replicas' addresses, for a list that spans them all ({@code GET /jobs}). */
    public List<String> others() {
        return live.get().entrySet().stream().filter(e -> !e.getKey().equals(self)).map(Map.Entry::getValue).sorted().toList();
    }
}
