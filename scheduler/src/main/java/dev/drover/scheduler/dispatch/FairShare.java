package dev.drover.scheduler.dispatch;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Decides whose job sends the next batch: among the users with work to send, the one holding the
 * least of the fleet for their weight ({@code outstanding / weight}, outstanding being their work
 * on the queue or running). A user who just arrived holds nothing, so their bundles go next; two
 * busy users of weights 2 and 1 end up holding the fleet 2:1. Ties go to the user served least
 * recently, so equal users alternate. Dispatcher thread only.
 */
public final class FairShare {
    /** One user with work to send: their weight and what they hold now (expected work, ms). */
    public record Claim(String user, int weight, double outstanding) {
        public Claim {
            if (weight < 1) {
                throw new IllegalArgumentException("a weight is at least 1");
            }
        }

        double load() {
            return outstanding / weight;
        }
    }

    private final Map<String, Long> lastServed = new HashMap<>();
    private long round;

    /** The user who sends next; empty if no one has work. */
    public Optional<String> choose(Collection<Claim> claims) {
        Claim best = null;
        for (Claim c : claims) {
            if (best == null || before(c, best)) {
                best = c;
            }
        }
        return Optional.ofNullable(best).map(Claim::user);
    }

    /** Records that the user was served (sent a batch) now: the tie-break among equal loads. */
    public void served(String user) {
        lastServed.put(user, ++round);
    }

    /** Forgets users no longer among {@code users}, so the map stays as small as the set of users with work. */
    public void retain(Collection<String> users) {
        lastServed.keySet().retainAll(users);
    }

    private boolean before(Claim a, Claim b) {
        int byLoad = Double.compare(a.load(), b.load());
        if (byLoad != 0) {
            return byLoad < 0;
        }
        int byTurn = Long.compare(lastServed.getOrDefault(a.user(), 0L), lastServed.getOrDefault(b.user(), 0L));
        return byTurn != 0 ? byTurn < 0 : a.user().compareTo(b.user()) < 0;
    }
}
