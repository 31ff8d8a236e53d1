package dev.drover.scheduler.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How far a job's tasks have been dispatched: every task below the cursor has been sent, except
 * those of the held ranges (the rest of a stage that waited when the cursor reached it: the cursor
 * passes it so the lines below flow, and the range is sent from its own start once the stage may
 * go). With the sizes of the last batch and where it starts, saved before it went, so a restart
 * re-sends those very bundles. A job whose tasks never waited holds no range and pays nothing.
 */
final class DispatchCursor {
    /** Read without the job's lock (the dispatcher, the lost-work watch); written under it. */
    private volatile long dispatched;
    private List<Integer> sending = List.of();
    /** Where the bundles in {@link #sending} start, if they come from a held range; -1: they end at the cursor. */
    private long sendingFrom = -1;
    /** Held ranges, from → to (exclusive); null while there is none. */
    private TreeMap<Long, Long> held;
    private long heldTasks;

    long dispatched() {
        return dispatched;
    }

    void dispatched(long n) {
        dispatched = n;
    }

    List<Integer> sending() {
        return sending;
    }

    /** The cursor past bundles of these sizes. */
    long after(List<Integer> sizes) {
        return dispatched + sum(sizes);
    }

    /** Moves past tasks that are not sent (a failed dependency cancelled them): nothing is being sent. */
    void skip(long n) {
        dispatched += n;
        sending = List.of();
        sendingFrom = -1;
    }

    /** Moves past bundles of these sizes, about to be sent. */
    void sending(List<Integer> sizes) {
        long next = after(sizes);
        sending = List.copyOf(sizes);
        sendingFrom = -1;
        dispatched = next;
    }

    /** Passes tasks {@code from} … {@code to - 1} at the cursor, which wait: they are held, to be sent later. */
    void hold(long from, long to) {
        if (from != dispatched || to <= from) {
            throw new IllegalStateException("hold " + from + "-" + to + " at cursor " + dispatched);
        }
        held().put(from, to);
        heldTasks += to - from;
        dispatched = to;
        sending = List.of();
        sendingFrom = -1;
    }

    /** The held ranges, in task order (empty if none). */
    Map<Long, Long> heldRanges() {
        return held == null ? Map.of() : held;
    }

    /** The first held range starting at or after {@code from}, or null. */
    Map.Entry<Long, Long> nextHeld(long from) {
        return held == null ? null : held.ceilingEntry(from);
    }

    /** How many tasks below the cursor are held (not sent). */
    long heldTasks() {
        return heldTasks;
    }

    /** True if task {@code seq}, below the cursor, is held (not sent). */
    boolean isHeld(long seq) {
        if (held == null) {
            return false;
        }
        Map.Entry<Long, Long> e = held.floorEntry(seq);
        return e != null && seq < e.getValue();
    }

    /**
     * Splits the held range holding task {@code at} so that one starts there (a replica-wise stage's
     * task that may go while those before it wait); false if the cursor already holds {@code maxRanges}
     * ranges (each costs the job's record a few bytes) or no range holds {@code at}.
     */
    boolean splitHeld(long at, int maxRanges) {
        Map.Entry<Long, Long> e = held == null ? null : held.floorEntry(at);
        if (e == null || at >= e.getValue() || held.size() >= maxRanges) {
            return false;
        }
        if (e.getKey() < at) {
            held.put(e.getKey(), at);
            held.put(at, e.getValue());
        }
        return true;
    }

    /** Moves the held range starting at {@code from} past {@code n} tasks not sent (a failed dependency cancelled them). */
    void skipHeld(long from, long n) {
        take(from, n);
        sending = List.of();
        sendingFrom = -1;
    }

    /** Moves the held range starting at {@code from} past bundles of these sizes, about to be sent. */
    void sendingHeld(long from, List<Integer> sizes) {
        take(from, sum(sizes));
        sending = List.copyOf(sizes);
        sendingFrom = from;
    }

    private void take(long from, long n) {
        Long to = held == null ? null : held.remove(from);
        if (to == null || from + n > to) {
            throw new IllegalStateException("no held range of " + n + " tasks at " + from);
        }
        if (from + n < to) {
            held.put(from + n, to);
        }
        heldTasks -= n;
    }

    /** The saved form: where the sending bundles start (-1: at the cursor's end), then each held range's from and to. */
    List<Long> saved(long sendingStart) {
        Map<Long, Long> ranges = heldRanges();
        if (ranges.isEmpty() && sendingStart < 0) {
            return List.of();
        }
        List<Long> out = new ArrayList<>(1 + 2 * ranges.size());
        out.add(sendingStart);
        ranges.forEach((f, t) -> {
            out.add(f);
            out.add(t);
        });
        return out;
    }

    /** The saved form now. */
    List<Long> saved() {
        return saved(sendingFrom);
    }

    /** The saved form once the held range at {@code from} has moved past bundles of these sizes. */
    List<Long> savedSendingHeld(long from, List<Integer> sizes) {
        TreeMap<Long, Long> before = new TreeMap<>(held);
        long tasks = heldTasks;
        take(from, sum(sizes));
        List<Long> out = saved(from);
        held = before;
        heldTasks = tasks;
        return out;
    }

    /** Restores what {@link #saved} wrote. */
    void restore(List<Long> saved) {
        held = null;
        heldTasks = 0;
        for (int i = 1; i + 1 < saved.size(); i += 2) {
            held().put(saved.get(i), saved.get(i + 1));
            heldTasks += saved.get(i + 1) - saved.get(i);
        }
    }

    private TreeMap<Long, Long> held() {
        if (held == null) {
            held = new TreeMap<>();
        }
        return held;
    }

    private static long sum(List<Integer> sizes) {
        return sizes.stream().mapToLong(Integer::longValue).sum();
    }
}
