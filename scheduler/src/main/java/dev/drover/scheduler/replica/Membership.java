package dev.drover.scheduler.replica;

import dev.drover.core.port.ReplicaStore;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who the other replicas are, as this replica judges from its reads of every heartbeat: the replicas
 * present (with an item), those gone (their beat count unchanged for a lease on this replica's clock, or
 * their item deleted by a clean stop), and the addresses and figures of the live ones. Read on the
 * heartbeat thread; its results are read from any.
 */
final class Membership {
    /** What this replica last saw of another: its beat count, and when (on this replica's clock) it last changed. */
    private record Seen(long count, long since) {}

    /** One read's judgement: the replicas with an item, and those judged gone. */
    record Judged(Set<String> present, Set<String> gone) {}

    private final String id;
    private final ReplicaTiming timing;
    private final Map<String, Seen> seen = new HashMap<>(); // heartbeat thread only
    private volatile Map<String, String> addresses = Map.of();
    private volatile Map<String, String> live = Map.of();
    private volatile List<ReplicaStore.Beat> liveOthers = List.of();

    Membership(String id, ReplicaTiming timing) {
        this.id = id;
        this.timing = timing;
    }

    /** Takes in one read of every replica's beat, made at {@code now} on this replica's clock. */
    Judged read(List<ReplicaStore.Beat> all, long now) {
        Map<String, String> known = new HashMap<>();
        Set<String> present = new HashSet<>();
        for (ReplicaStore.Beat b : all) {
            known.put(b.replica(), b.address());
            present.add(b.replica());
            Seen s = seen.get(b.replica());
            if (s == null || s.count() != b.count()) {
                seen.put(b.replica(), new Seen(b.count(), now));
            }
        }
        addresses = Map.copyOf(known);
        Set<String> gone = new HashSet<>();
        seen.entrySet().removeIf(e -> {
            if (!present.contains(e.getKey())) {
                gone.add(e.getKey()); // left cleanly: it stopped acting before it deleted its item
                return true;
            }
            return false;
        });
        seen.forEach((replica, s) -> {
            if (!replica.equals(id) && now - s.since() >= timing.lease().toMillis()) {
                gone.add(replica);
            }
        });
        Map<String, String> alive = new HashMap<>(known);
        alive.keySet().removeAll(gone);
        live = Map.copyOf(alive);
        liveOthers = all.stream().filter(b -> !b.replica().equals(id) && !gone.contains(b.replica())).toList();
        return new Judged(present, gone);
    }

    /** Every replica's address as last read, by id (this one's included). */
    Map<String, String> addresses() {
        return addresses;
    }

    /** The addresses of the replicas not judged gone, by id (this one's included). */
    Map<String, String> live() {
        return live;
    }

    /** The other live replicas' backlogs, as of their last beats. */
    long othersBacklog() {
        return liveOthers.stream().mapToLong(ReplicaStore.Beat::backlog).sum();
    }

    /** The other live replicas' last beats. */
    List<ReplicaStore.Beat> liveOthers() {
        return liveOthers;
    }
}
