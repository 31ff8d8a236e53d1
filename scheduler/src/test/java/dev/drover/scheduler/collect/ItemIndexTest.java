package dev.drover.scheduler.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.drover.core.model.TaskStart;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The index finds each task's first item, and nothing for a task the list does not hold. */
class ItemIndexTest {
    @Test
    void findsTheFirstItemOfEachTask() {
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            List<TaskStart> items = new ArrayList<>();
            for (int i = random.nextInt(300); i > 0; i--) {
                String job = random.nextInt(10) == 0 ? null : "j" + random.nextInt(3);
                items.add(new TaskStart(job, random.nextInt(5) == 0 ? random.nextLong() : random.nextInt(400), 0));
            }
            ItemIndex index = ItemIndex.of(items, TaskStart::jobId, TaskStart::seq);
            for (TaskStart s : items) {
                int first = 0;
                while (!(java.util.Objects.equals(items.get(first).jobId(), s.jobId()) && items.get(first).seq() == s.seq())) {
                    first++;
                }
                assertEquals(first, index.find(s.jobId(), s.seq()));
            }
            assertEquals(-1, index.find("j9", 1));
            assertEquals(-1, index.find("j0", 1_000));
        }
    }

    @Test
    void anEmptyListHoldsNothing() {
        assertEquals(-1, ItemIndex.of(List.<TaskStart>of(), TaskStart::jobId, TaskStart::seq).find("j", 0));
    }
}
