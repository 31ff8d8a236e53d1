package dev.drover.scheduler.billing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.Usage;
import dev.drover.core.UsageMeter;
import dev.drover.core.codec.Json;
import dev.drover.core.memory.InMemoryClaimStore;
import dev.drover.core.memory.InMemoryJobStore;
import dev.drover.core.memory.InMemoryMessageQueue;
import dev.drover.core.memory.InMemoryPayloadStore;
import dev.drover.core.model.JobStatus;
import dev.drover.core.model.Task;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import dev.drover.core.port.JobStore;
import dev.drover.core.port.User;
import dev.drover.scheduler.model.Backend;
import dev.drover.scheduler.model.JobView;
import dev.drover.scheduler.model.Quotas;
import dev.drover.scheduler.Scheduler;
import dev.drover.scheduler.model.SchedulerConfig;
import dev.drover.scheduler.why.Why;
import dev.drover.core.port.MessageQueue.QueueDepth;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Budgets, EC2 shares and bills on a real scheduler, the test playing the workers on its in-memory queues. */
class BillingTest {
    final Clock clock = Clock.systemUTC();
    final InMemoryMessageQueue requests = new InMemoryMessageQueue(clock);
    final InMemoryMessageQueue responses = new InMemoryMessageQueue(clock);
    final InMemoryPayloadStore payloads = new InMemoryPayloadStore();
    final JobStore store = new InMemoryJobStore();
    final WorkerDouble worker = new WorkerDouble(requests, responses);
    /** The provisioner's status as the scheduler sees it: cumulative billed worker-seconds and cost. */
    final AtomicReference<Map<String, Object>> fleet = new AtomicReference<>(Map.of());
    Scheduler scheduler;
    Billing billing;

    @TempDir
    Path dir;

    void start(Quotas quotas, List<User> users) throws Exception {
        Backend backend = new Backend(requests, responses, Optional.empty(), new InMemoryClaimStore(), payloads,
                Optional.of(store), UsageMeter.NONE);
        scheduler = new Scheduler(SchedulerConfig.defaults(dir, 1).withBundleWork(Duration.ofMillis(100)).withQuotas(quotas)
                        .withLostAfter(Duration.ofSeconds(4)), // its watch wakes each second, so close() is quick
                backend, clock).start();
        billing = new Billing(scheduler, fleet::get, () -> users, clock, Duration.ofHours(1)); // ticked by hand
    }

    @AfterEach
    void stop() {
        if (billing != null) {
            billing.close();
        }
        if (scheduler != null) {
            scheduler.close();
        }
    }

    String submit(String owner, String workload, Double budget) throws Exception {
        return scheduler.submit(new ByteArrayInputStream(workload.getBytes(StandardCharsets.UTF_8)), "w.txt", owner, null, 0, budget)
                .jobId();
    }

    static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out");
            Thread.sleep(10);
        }
    }

    void reportAndWait(String jobId, Task task, long millis, Usage usage) throws InterruptedException {
        worker.report(jobId, task, millis, usage);
        await(() -> scheduler.job(jobId).orElseThrow().status(task.seq()).isFinal());
    }

    List<TaskResult> results(String jobId) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        scheduler.streamResults(jobId, out, false);
        return out.toString(StandardCharsets.UTF_8).lines().map(Json::result).toList();
    }

    @Test
    void aJobWithATinyBudgetIsStoppedWithReasonBudgetAndItsRemainingTasksCancelled() throws Exception {
        start(Quotas.defaults(), List.of());
        String job = submit("ann", "sleep 1000\n".repeat(20), 0.00001);
        List<Task> taken = worker.take(1);
        billing.tick();
        assertEquals(JobStatus.RUNNING, scheduler.status(job).orElseThrow().state(), "nothing spent yet");
        // 50 SQS requests at $0.40 a million: $0.00002, over the $0.00001 budget
        reportAndWait(job, taken.get(0), 1000, new Usage(50, 0, 0, 0));
        billing.tick();

        JobView v = scheduler.status(job).orElseThrow();
        assertEquals(JobStatus.CANCELLED, v.state());
        assertEquals("budget", v.cancelReason());
        assertEquals(1, v.counts().get(TaskStatus.SUCCEEDED));
        assertEquals(19, v.counts().get(TaskStatus.CANCELLED));
        List<TaskResult> cancelled = results(job).stream().filter(r -> r.status() == TaskStatus.CANCELLED).toList();
        assertEquals(19, cancelled.size());
        assertTrue(cancelled.stream().allMatch(r -> "budget".equals(r.error())), cancelled.get(0).toString());

        Why why = new Why(scheduler, Map::of, () -> new QueueDepth(0, 0));
        @SuppressWarnings("unchecked")
        List<Why.Reason> reasons = (List<Why.Reason>) why.explain(job, 5L).orElseThrow().get("reasons");
        assertEquals("budget", reasons.get(0).code(), reasons.toString());
        assertTrue(reasons.get(0).text().contains("of its budget of $0.000010"), reasons.get(0).text());

        // the budget and the reason are on the job record: a restarted scheduler still knows them
        scheduler.close();
        start(Quotas.defaults(), List.of());
        JobView recovered = scheduler.status(job).orElseThrow();
        assertEquals(0.00001, recovered.budgetUsd());
        assertEquals("budget", recovered.cancelReason());
    }

    @Test
    void aJobWithinItsBudgetRunsToTheEnd() throws Exception {
        start(Quotas.defaults(), List.of());
        String job = submit("ann", "sleep 5\nsleep 5\n", 1.0);
        for (Task t : worker.take(2)) {
            reportAndWait(job, t, 5, new Usage(50, 2, 0, 0));
        }
        billing.tick();
        JobView v = scheduler.status(job).orElseThrow();
        assertEquals(JobStatus.DONE, v.state());
        assertNull(v.cancelReason());
    }

    @Test
    void theFleetsEc2TimeIsSharedByTaskSecondsAndAddsUpToTheFleetsCost() throws Exception {
        start(Quotas.defaults(), List.of());
        String a = submit("ann", "sleep 3000\n", null);
        String b = submit("bob", "sleep 1000\n", null);
        List<Task> ta = worker.take(2);
        fleet.set(Map.of("billedWorkerSeconds", 60L, "costUsd", 0.0016)); // one worker, billed its 60 s minimum
        billing.tick(); // nothing ran yet: carried into the next period
        for (Task t : ta) {
            String job = t.command().equals("sleep 3000") ? a : b;
            reportAndWait(job, t, t.command().equals("sleep 3000") ? 3000 : 1000, Usage.ZERO);
        }
        billing.tick();
        JobView va = scheduler.status(a).orElseThrow();
        JobView vb = scheduler.status(b).orElseThrow();
        assertEquals(45.0, va.workerSeconds(), 1e-9);
        assertEquals(15.0, vb.workerSeconds(), 1e-9);
        assertEquals(0.0012, va.ec2Usd(), 1e-12);
        assertEquals(0.0004, vb.ec2Usd(), 1e-12);
        assertEquals(3.0, va.taskSeconds(), 1e-9);
    }

    @Test
    void aBillsTotalsAreTheSumOfItsJobsAndAUserSeesOnlyTheirOwn() throws Exception {
        start(Quotas.defaults(), List.of());
        String a1 = submit("ann", "sleep 100\n", null);
        String a2 = submit("ann", "sleep 200\n", null);
        String b1 = submit("bob", "sleep 300\n", null);
        fleet.set(Map.of("billedWorkerSeconds", 60L, "costUsd", 0.0016));
        for (Task t : worker.take(3)) {
            String job = t.command().equals("sleep 100") ? a1 : t.command().equals("sleep 200") ? a2 : b1;
            reportAndWait(job, t, t.command().equals("sleep 100") ? 100 : t.command().equals("sleep 200") ? 200 : 300,
                    new Usage(10 + t.line(), 3, 1, 2));
        }
        billing.tick();
        Bill all = billing.bill(null, 0);
        List<JobView> views = scheduler.list();
        assertEquals(List.of("ann", "bob"), all.users().stream().map(Bill.UserBill::user).toList());
        assertEquals(views.stream().mapToLong(JobView::sqsRequests).sum(), all.total().sqsRequests());
        assertEquals(views.stream().mapToLong(JobView::dynamoWrites).sum(), all.total().dynamoWrites());
        assertEquals(views.stream().mapToLong(JobView::s3Requests).sum(), all.total().s3Requests());
        assertEquals(views.stream().mapToDouble(JobView::taskSeconds).sum(), all.total().taskSeconds(), 1e-9);
        assertEquals(60.0, all.total().workerSeconds(), 1e-6, "every billed second is some job's");
        assertEquals(views.stream().mapToDouble(v -> v.requestUsd() + v.ec2Usd()).sum(), all.total().usd().total(), 1e-6);
        assertEquals(0.0016, all.total().usd().ec2(), 1e-6);
        assertEquals(all.total().usd().requests() + all.total().usd().ec2(), all.total().usd().total(), 1e-9);
        assertTrue(all.total().s3Bytes() >= "sleep 100\nsleep 200\nsleep 300\n".length(), "the workloads' bytes count");

        Bill ann = billing.bill("ann", 0);
        assertEquals(1, ann.users().size());
        // her two jobs, in the scheduler's order (submission time, then id: two jobs can share a millisecond)
        assertEquals(views.stream().map(JobView::jobId).filter(id -> id.equals(a1) || id.equals(a2)).toList(),
                ann.users().get(0).jobs().stream().map(Bill.JobBill::jobId).toList());
        assertEquals(java.util.Set.of(a1, a2), java.util.Set.copyOf(ann.users().get(0).jobs().stream().map(Bill.JobBill::jobId).toList()));
        assertEquals(0.3, ann.total().taskSeconds(), 1e-9);
        assertEquals(0, billing.bill(null, System.currentTimeMillis() + 60_000).users().size(), "since filters by submission");
    }

    @Test
    void aForecastOfKnownSleepsIsExactAndShellLinesUseTheUsersMeasuredMeans() throws Exception {
        start(Quotas.defaults(), List.of());
        String job = submit("ann", "./sim.sh\n./sim.sh\n", null);
        List<Task> tasks = worker.take(2);
        reportAndWait(job, tasks.get(0), 2000, Usage.ZERO);
        reportAndWait(job, tasks.get(1), 4000, Usage.ZERO);
        Forecast f = billing.forecast(new ByteArrayInputStream("sleep 100\n".repeat(10).getBytes(StandardCharsets.UTF_8)),
                "w.txt", "ann");
        assertEquals(10, f.tasks());
        assertEquals(1.0, f.taskSeconds(), 1e-9);
        assertEquals(10L, f.basis().get("sleep"));
        Forecast shell = billing.forecast(new ByteArrayInputStream("./sim.sh\n./other.sh\n".getBytes(StandardCharsets.UTF_8)),
                "w.txt", "ann");
        assertEquals(6.0, shell.taskSeconds(), 1e-9, "3 s, ann's mean of ./sim.sh; 3 s, the mean of all shell tasks");
        assertEquals(1L, shell.basis().get("yourJobs"));
        assertEquals(1L, shell.basis().get("fleet"));
        assertEquals(1, scheduler.list().size(), "a forecast queues nothing");
    }

    @Test
    void aRunningJobOfAUserWhoseMonthlyBudgetIsSpentIsCancelledForBudget() throws Exception {
        start(Quotas.defaults(), List.of(new User("ann", false, 0, 1, 0.00001)));
        String job = submit("ann", "sleep 1000\n".repeat(5), null);
        List<Task> taken = worker.take(1);
        reportAndWait(job, taken.get(0), 1000, new Usage(100, 0, 0, 0));
        billing.tick();
        JobView v = scheduler.status(job).orElseThrow();
        assertEquals("budget", v.cancelReason());
        assertEquals(4, v.counts().get(TaskStatus.CANCELLED));
        Why why = new Why(scheduler, Map::of, () -> new QueueDepth(0, 0));
        assertTrue(why.explain(job, 3L).orElseThrow().get("reasons").toString().contains("monthly budget is spent"));
        Quotas.Exceeded refused = org.junit.jupiter.api.Assertions.assertThrows(Quotas.Exceeded.class,
                () -> billing.admit(new User("ann", false, 0, 1, 0.00001)));
        assertTrue(refused.getMessage().contains("monthly budget"), refused.getMessage());
    }

    @Test
    void whyNamesTheUsersRunningQuota() throws Exception {
        start(new Quotas(Quotas.DEFAULT_MAX_QUEUED_TASKS, 2), List.of());
        String job = submit("ann", "sleep 1000\n".repeat(10), null);
        worker.take(2);
        Why why = new Why(scheduler, Map::of, () -> new QueueDepth(0, 0));
        String reasons = why.explain(job, 7L).orElseThrow().get("reasons").toString();
        assertTrue(reasons.contains("running-quota") && reasons.contains("2 of 2 tasks"), reasons);
    }
}
