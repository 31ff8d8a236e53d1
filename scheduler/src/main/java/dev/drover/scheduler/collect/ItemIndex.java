package dev.drover.scheduler.collect;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * Where each task (job and seq) of a list of items first occurs: an open-addressing table of plain
 * arrays, so that indexing a message's results costs no object a result (the proof check runs on
 * every result the scheduler collects).
 */
final class ItemIndex {
    private final String[] jobs;
    private final long[] seqs;
    /** An item's position, -1 in an empty slot. */
    private final int[] positions;
    private final int mask;

    private <T> ItemIndex(List<T> items, Function<T, String> job, ToLongFunction<T> seq) {
        int capacity = Integer.highestOneBit(Math.max(4, items.size() * 2 - 1)) << 1; // at most half full
        jobs = new String[capacity];
        seqs = new long[capacity];
        positions = new int[capacity];
        Arrays.fill(positions, -1);
        mask = capacity - 1;
        for (int i = 0; i < items.size(); i++) {
            T item = items.get(i);
            String j = job.apply(item);
            long s = seq.applyAsLong(item);
            int slot = slot(j, s);
            if (positions[slot] < 0) { // a repeat keeps its first position
                jobs[slot] = j;
                seqs[slot] = s;
                positions[slot] = i;
            }
        }
    }

    static <T> ItemIndex of(List<T> items, Function<T, String> job, ToLongFunction<T> seq) {
        return new ItemIndex(items, job, seq);
    }

    /** The position of the task's first item, or -1 if the list has none. */
    int find(String job, long seq) {
        return positions[slot(job, seq)];
    }

    /** The task's slot, or the empty one where it would go. */
    private int slot(String job, long seq) {
        long h = (Objects.hashCode(job) * 31L + seq) * 0x9E3779B97F4A7C15L; // a forged item may name no job
        int slot = (int) (h ^ (h >>> 32)) & mask;
        while (positions[slot] >= 0 && !(seqs[slot] == seq && Objects.equals(jobs[slot], job))) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }
}
