package dev.drover.scheduler.billing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The bills of several replicas as one: each job once, the running one's line from its owner, the sums made again. */
class BillMergeTest {
    static Amounts usd(long tasks, double total) {
        return new Amounts(tasks, 0, 0, 0, 0, 0, 0, 0, new Amounts.Dollars(0, 0, 0, 0, 0, total, total));
    }

    static Bill.JobBill line(String job, String state, long tasks, double total) {
        return new Bill.JobBill(job, "w", state, job.hashCode(), null, null, usd(tasks, total));
    }

    static Bill bill(Bill.UserBill... users) {
        return new Bill(0, List.of(users), Amounts.ZERO);
    }

    @Test
    void eachJobIsBilledOnceAndTheSumsAreMadeAgain() {
        // A runs j1 and ended j2; B read j2 earlier, and holds a stale line of j1 (say, from before a takeover)
        Bill onA = bill(new Bill.UserBill("alice", usd(0, 0), List.of(line("j1", "RUNNING", 10, 0.5), line("j2", "DONE", 4, 0.2))));
        Bill onB = bill(new Bill.UserBill("alice", usd(0, 0), List.of(line("j2", "DONE", 4, 0.1), line("j1", "DONE", 10, 9.0))),
                new Bill.UserBill("bob", usd(0, 0), List.of(line("j3", "CANCELLED", 2, 0.3))));
        Bill merged = Bill.merge(0, List.of(onA, onB));
        assertEquals(2, merged.users().size());
        Bill.UserBill alice = merged.users().get(0);
        assertEquals("alice", alice.user());
        assertEquals(2, alice.jobs().size(), "j1 and j2 once each");
        Bill.JobBill j1 = alice.jobs().stream().filter(j -> j.jobId().equals("j1")).findFirst().orElseThrow();
        assertEquals("RUNNING", j1.state(), "the running job's line is its owner's");
        Bill.JobBill j2 = alice.jobs().stream().filter(j -> j.jobId().equals("j2")).findFirst().orElseThrow();
        assertEquals(0.2, j2.amounts().usd().total(), 1e-9, "of two ended lines, the one that has seen more");
        assertEquals(0.7, alice.total().usd().total(), 1e-9);
        assertEquals(14, alice.total().tasks());
        assertEquals(1.0, merged.total().usd().total(), 1e-9);
        assertEquals(16, merged.total().tasks());
    }
}
