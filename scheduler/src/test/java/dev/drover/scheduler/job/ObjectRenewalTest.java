package dev.drover.scheduler.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.drover.core.UsageMeter;
import dev.drover.core.files.FilesPack;
import dev.drover.core.memory.InMemoryClaimStore;
import dev.drover.core.memory.InMemoryJobStore;
import dev.drover.core.memory.InMemoryMessageQueue;
import dev.drover.core.memory.InMemoryPayloadStore;
import dev.drover.core.model.JobStatus;
import dev.drover.core.port.JobStore;
import dev.drover.core.port.PayloadStore;
import dev.drover.core.testing.MutableClock;
import dev.drover.scheduler.Scheduler;
import dev.drover.scheduler.collect.BundleProofs;
import dev.drover.scheduler.model.Backend;
import dev.drover.scheduler.model.SchedulerConfig;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The objects running jobs need are written again, so the bucket's lifecycle rule never expires them under a job. */
class ObjectRenewalTest {
    static final String SHA = "ab".repeat(32);
    static final String PACK = FilesPack.PREFIX + SHA;

    final InMemoryPayloadStore objects = new InMemoryPayloadStore();
    final List<String> touched = new ArrayList<>();
    final List<Scheduler> schedulers = new ArrayList<>();

    @TempDir
    Path dir;

    /** The payload store, noting each touch; a touch of a key in {@code failing} fails. */
    record Touching(PayloadStore inner, List<String> touched, Set<String> failing) implements PayloadStore {
        @Override public void put(String key, byte[] bytes) { inner.put(key, bytes); }
        @Override public boolean exists(String key) { return inner.exists(key); }
        @Override public void putFile(String key, Path file) { inner.putFile(key, file); }
        @Override public byte[] get(String key) { return inner.get(key); }
        @Override public InputStream open(String key) { return inner.open(key); }
        @Override public List<StoredObject> list(String prefix) { return inner.list(prefix); }
        @Override public void delete(String key) { inner.delete(key); }
        @Override public void touch(String key) {
            if (failing.contains(key)) {
                throw new IllegalStateException("S3 is slow today");
            }
            inner.touch(key);
            touched.add(key);
        }
    }

    Scheduler start(Optional<JobStore> store, Set<String> failing) throws Exception {
        objects.put(PACK, new byte[] {1});
        Backend backend = new Backend(new InMemoryMessageQueue(Clock.systemUTC()), new InMemoryMessageQueue(Clock.systemUTC()),
                Optional.empty(), new InMemoryClaimStore(), new Touching(objects, touched, failing), store, UsageMeter.NONE);
        Scheduler s = new Scheduler(SchedulerConfig.defaults(dir, 1).withLostAfter(Duration.ofMillis(400)), backend,
                new MutableClock(Instant.parse("2026-01-01T00:00:00Z"))).start();
        schedulers.add(s);
        return s;
    }

    @AfterEach
    void stop() {
        schedulers.forEach(Scheduler::close);
    }

    static String submit(Scheduler s, String workload, String files) throws Exception {
        return s.submit(new ByteArrayInputStream(workload.getBytes(StandardCharsets.UTF_8)), "w.txt", "ann", files).jobId();
    }

    @Test
    void aRunningJobsWorkloadAndFilesPackAndTheProofKeyAreRenewedAndAnEndedJobsAreNot() throws Exception {
        Scheduler s = start(Optional.of(new InMemoryJobStore()), Set.of());
        String running = submit(s, "sleep 100000\n", SHA);
        String ended = submit(s, "sleep 1\n", null);
        s.cancel(ended);
        assertEquals(JobStatus.CANCELLED, s.status(ended).orElseThrow().state());
        touched.clear();

        List<String> expected = List.of(BundleProofs.KEY_OBJECT, Persistence.workloadKey(running), PACK);
        assertEquals(expected, s.renewObjects());
        assertEquals(expected, touched);
    }

    @Test
    void withoutAJobStoreOnlyFilesPacksAreInThePayloadStoreToRenew() throws Exception {
        Scheduler s = start(Optional.empty(), Set.of());
        submit(s, "sleep 100000\n", SHA);
        submit(s, "sleep 100000\n", SHA);
        touched.clear();
        assertEquals(List.of(PACK), s.renewObjects(), "one pack of two jobs, written once");
    }

    @Test
    void anObjectThatCannotBeRenewedDoesNotKeepTheOthersFromIt() throws Exception {
        Scheduler s = start(Optional.of(new InMemoryJobStore()), Set.of(PACK));
        String running = submit(s, "sleep 100000\n", SHA);
        assertEquals(List.of(BundleProofs.KEY_OBJECT, Persistence.workloadKey(running)), s.renewObjects());
    }
}
