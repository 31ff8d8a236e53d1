package dev.drover.scheduler.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.drover.core.model.Bundle;
import dev.drover.core.model.Task;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class IsolationTest {
    final List<Bundle> sent = new ArrayList<>();
    final Isolation isolation = new Isolation(sent::add, (job, tasks) -> null);
    final Set<Long> finalSeqs = new HashSet<>();

    static Bundle bundle(long first, int count) {
        List<Task> tasks = LongStream.range(first, first + count).mapToObj(s -> new Task(s, (int) s + 1, "t" + s, 0, 1, 1)).toList();
        return new Bundle("j:" + first + ":" + count, "j", 1, tasks);
    }

    List<Long> sentSeqs() {
        return sent.stream().map(b -> b.tasks().get(0).seq()).toList();
    }

    @Test
    void aSecondDeadBundleOfTheJobWaitsBehindTheSingleOutNow() {
        Bundle poison = bundle(12, 3); // 12 kills its worker; 13 and 14 are innocent
        Bundle neighbour = bundle(9, 3); // died beside it every time, so it was dead-lettered too
        isolation.split(poison, poison.tasks());
        assertEquals(List.of(12L), sentSeqs(), "the first single goes");
        isolation.split(neighbour, neighbour.tasks());
        // sent now, 13 would be received with 12 by the same worker and die with it until dead-lettered
        assertEquals(List.of(12L), sentSeqs(), "nothing goes beside the single out now");
        finalSeqs.add(12L); // dead-lettered alone: FAILED
        isolation.reported("j", finalSeqs::contains);
        assertEquals(List.of(12L, 13L), sentSeqs());
    }

    @Test
    void aDeadBundleAfterTheLastSingleEndedGoesAtOnce() {
        Bundle first = bundle(0, 1);
        isolation.split(first, first.tasks());
        finalSeqs.add(0L);
        isolation.reported("j", finalSeqs::contains);
        Bundle later = bundle(5, 2);
        isolation.split(later, later.tasks());
        assertEquals(List.of(0L, 5L), sentSeqs(), "no single is out: the next goes without waiting for a result");
    }
}
