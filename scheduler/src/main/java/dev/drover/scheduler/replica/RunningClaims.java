package dev.drover.scheduler.replica;

import dev.drover.core.port.ReplicaStore;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * This replica's part of each user's running-task quota, so that the replicas together never hold more
 * running tasks of a user than the quota. Each replica publishes a claim per user in its heartbeat; its
 * dispatcher sends only while the user's tasks it holds are under its claim in effect. A claim is
 * lowered at once (before it is published); it is raised in two steps: the higher claim is written with
 * a beat, and it takes effect only if the read of every replica's beat that follows the write finds the
 * claims within the quota. Of two replicas raising at once, the later writer's read sees the earlier's
 * claim, so at least one of them finds the conflict and keeps its old claim (and tries again at a beat
 * chosen at random): the claims in effect never add up past the quota. A replica never publishes less
 * than it holds (tasks taken over with a job count), and a replica judged gone stopped dispatching before
 * its claim stops counting. The price: a user's first tasks on a replica wait for a beat.
 *
 * <p>Heartbeat thread only, but for {@link #cap}.
 */
final class RunningClaims {
    /** One user's tasks at this replica: held (on the queue or running) and not yet sent. */
    record Own(long running, long unsent) {}

    private final Random random = new Random();
    private final Map<String, Long> inEffect = new HashMap<>();
    private volatile Map<String, Long> caps = Map.of();
    private final Map<String, Long> planned = new HashMap<>();
    private final Set<String> conflicted = new HashSet<>();
    private Map<String, long[]> lastElsewhere = Map.of();
    private long lastQuota;

    /** How many of the user's tasks this replica may hold now. */
    long cap(String user) {
        return caps.getOrDefault(user, 0L);
    }

    /** The claims the next beat carries: the planned ones, never below what this replica holds. */
    Map<String, Long> toPublish(Map<String, Own> own) {
        Map<String, Long> out = new HashMap<>();
        Set<String> users = new HashSet<>(planned.keySet());
        users.addAll(own.keySet());
        for (String u : users) {
            long running = own.getOrDefault(u, new Own(0, 0)).running();
            Long plan = planned.get(u);
            if (plan == null && !inEffect.containsKey(u)) { // new here (a new job, or one taken over): raise in this beat
                plan = target(u, own.get(u), 0, lastElsewhere.getOrDefault(u, new long[4]), lastQuota);
            }
            long claim = Math.max(plan != null ? plan : inEffect.getOrDefault(u, 0L), running);
            if (claim > 0) {
                out.put(u, claim);
            }
        }
        return out;
    }

    /**
     * After a beat carrying {@code written} went through and every beat was read again: raises that fit
     * take effect, and the next claims are planned from what the others hold and want.
     *
     * @param others the other live replicas' beats, as just read
     */
    void settle(Map<String, Long> written, List<ReplicaStore.Beat> others, Map<String, Own> own, long quota, String me) {
        Map<String, long[]> elsewhere = new HashMap<>(); // user -> {claims, unmet wants, replicas wanting, of them before me}
        for (ReplicaStore.Beat b : others) {
            b.users().forEach((u, f) -> {
                long[] e = elsewhere.computeIfAbsent(u, k -> new long[4]);
                e[0] += f.claim();
                e[1] += Math.max(0, f.want() - f.claim());
                e[2] += f.want() > 0 ? 1 : 0;
                e[3] += f.want() > 0 && b.replica().compareTo(me) < 0 ? 1 : 0;
            });
        }
        if (written != null) {
            Set<String> users = new HashSet<>(inEffect.keySet());
            users.addAll(written.keySet());
            for (String u : users) {
                long w = written.getOrDefault(u, 0L);
                long taken = elsewhere.getOrDefault(u, new long[4])[0];
                if (w <= inEffect.getOrDefault(u, 0L) || w + taken <= quota) {
                    inEffect.put(u, w);
                } else {
                    conflicted.add(u); // another replica raised at once: keep the old claim
                }
            }
            inEffect.values().removeIf(c -> c == 0);
        }
        plan(elsewhere, own, quota);
    }

    /**
     * The claim to hold next: while another replica waits for room, a fair part (the quota over the replicas
     * wanting; never less than what runs here), else what this replica wants (kept while nobody else asks, so
     * the user's next job here sends at once); a raise goes no higher than what the others leave.
     *
     * @param e the others' claims, unmet wants, replicas wanting, and of those the ones before this one by id
     */
    private long target(String u, Own o, long mine, long[] e, long quota) {
        long want = Math.min(quota, o.running() + o.unsent());
        long target;
        if (e[1] > 0) {
            long wanting = e[2] + (want > 0 ? 1 : 0);
            target = Math.max(o.running(), Math.min(want, quota / wanting + (e[3] < quota % wanting ? 1 : 0)));
        } else {
            target = Math.max(mine, want);
        }
        if (target > mine) {
            target = Math.max(mine, Math.min(target, quota - e[0]));
            if (conflicted.remove(u) && random.nextBoolean()) {
                target = mine; // two replicas raised at once last time: one of them, at random, waits a beat
            }
        }
        return target;
    }

    private void plan(Map<String, long[]> elsewhere, Map<String, Own> own, long quota) {
        lastElsewhere = elsewhere;
        lastQuota = quota;
        Set<String> users = new HashSet<>(inEffect.keySet());
        users.addAll(own.keySet());
        planned.clear();
        Map<String, Long> lowered = new HashMap<>(inEffect);
        for (String u : users) {
            Own o = own.getOrDefault(u, new Own(0, 0));
            long mine = inEffect.getOrDefault(u, 0L);
            long want = Math.min(quota, o.running() + o.unsent());
            long target = target(u, o, mine, elsewhere.getOrDefault(u, new long[4]), quota);
            if (target > 0 || want > 0) {
                planned.put(u, target);
            }
            if (target < mine) {
                lowered.put(u, target); // lowered at once: the dispatcher must not fill what is about to be given up
            }
        }
        inEffect.putAll(lowered);
        caps = Map.copyOf(inEffect);
    }
}
