package dev.drover.scheduler.replica;

import dev.drover.core.port.ReplicaStore;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The singleton lease of the fleet provisioner ({@value ReplicaNode#FLEET}): one replica sizes the one
 * fleet. Held if nobody holds it or its holder is gone: one read a beat, a write only when it changes
 * hands. The holder's liveness is its heartbeat's, so the lease needs no renewal of its own.
 */
final class FleetLease {
    private static final Logger log = LoggerFactory.getLogger(FleetLease.class);

    private final ReplicaStore store;
    private final String id;
    private volatile boolean held;
    private String holder; // heartbeat thread only

    FleetLease(ReplicaStore store, String id) {
        this.store = store;
        this.id = id;
    }

    /** From a beat: reads the lease, and takes it if it is free or its holder is gone; let go while this replica may not act. */
    void lead(Set<String> gone, Set<String> present, boolean mayAct) {
        if (!mayAct) {
            held = false;
            return;
        }
        try {
            Optional<String> current = store.leader(ReplicaNode.FLEET);
            holder = current.orElse(null);
            if (current.isPresent() && current.get().equals(id)) {
                held = true;
            } else if (current.isEmpty() || gone.contains(current.get()) || !present.contains(current.get())) {
                held = store.lead(ReplicaNode.FLEET, id, current);
                if (held) {
                    holder = id;
                    log.warn("replica {}: now runs the fleet provisioner (it was {})", id, current.orElse("nobody's"));
                }
            } else {
                held = false;
            }
        } catch (RuntimeException e) {
            log.warn("replica {}: cannot read or take the fleet's lease: {}", id, e.toString());
        }
    }

    /** True if this replica held the lease at its last read (whether it may act is the caller's to add). */
    boolean held() {
        return held;
    }

    /** The holder as last read (null if nobody); heartbeat thread only. */
    String holder() {
        return holder;
    }
}
