package dev.drover.core.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.model.OutputFile;
import dev.drover.core.model.Task;
import dev.drover.core.model.TaskStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A shell task's outputs upload after it, off its thread, bounded; its outcome waits for them. */
class OutputUploadsTest {
    @TempDir
    Path scratch;

    private static final Task TASK = new Task(0, 7, "printf abc > \"$DROVER_OUTPUT_DIR/a.txt\"", 20_000, 1, 1);

    /** Uploads (here: reads) each output once {@code gate} opens, or fails when told to. */
    private static final class GatedWorkspace implements Workspace {
        final CountDownLatch gate = new CountDownLatch(1);
        volatile boolean fail;

        @Override
        public void populate(String filesSha256, Path workDir) {}

        @Override
        public List<OutputFile> collect(String jobId, Task task, Path outputDir) throws IOException {
            if (!Files.exists(outputDir.resolve("a.txt"))) {
                return List.of();
            }
            try {
                gate.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            if (fail) {
                throw new IOException("S3 said no");
            }
            byte[] content = Files.readAllBytes(outputDir.resolve("a.txt"));
            return List.of(new OutputFile("a.txt", content.length, new String(content)));
        }
    }

    private ShellExecutor shell(Workspace workspace) {
        TaskEnvironment env = TaskEnvironment.fromWorker(Map.of("PATH", "/usr/bin:/bin"));
        return new ShellExecutor(scratch, 1024, 1 << 20, env, workspace, new OutputUploads(2, 1 << 20));
    }

    @Test
    void theTaskThreadIsFreeWhileOutputsUploadAndTheOutcomeListsThemOnceUp() throws Exception {
        GatedWorkspace workspace = new GatedWorkspace();
        CompletableFuture<Outcome> outcome = shell(workspace).start("j", TASK, () -> false);
        assertFalse(outcome.isDone(), "start returned before the upload finished");
        try (var left = Files.list(scratch)) {
            assertEquals(1, left.count(), "the task's directory stays until its outputs are up");
        }
        workspace.gate.countDown();
        Outcome out = outcome.get(10, TimeUnit.SECONDS);
        assertEquals(TaskStatus.SUCCEEDED, out.status(), out.error());
        assertEquals(List.of(new OutputFile("a.txt", 3, "abc")), out.outputs());
        try (var left = Files.list(scratch)) {
            assertEquals(0, left.count(), "the task's directory is deleted after the upload");
        }
    }

    @Test
    void aFailedUploadFailsTheTaskAndSaysSo() throws Exception {
        GatedWorkspace workspace = new GatedWorkspace();
        workspace.fail = true;
        workspace.gate.countDown();
        Outcome out = shell(workspace).start("j", TASK, () -> false).get(10, TimeUnit.SECONDS);
        assertEquals(TaskStatus.FAILED, out.status());
        assertEquals(0, out.exitCode());
        assertTrue(out.error().contains("could not upload its outputs: S3 said no"), out.error());
    }

    @Test
    void aTaskWithNothingToUploadIsDoneAtOnce() {
        CompletableFuture<Outcome> outcome = shell(new GatedWorkspace()).start("j", new Task(0, 1, "true", 20_000, 1, 1), () -> false);
        assertTrue(outcome.isDone(), "nothing to upload: no hop to the pool");
        assertEquals(TaskStatus.SUCCEEDED, outcome.join().status());
    }

    @Test
    void bytesInFlightAreBoundedSoATaskThreadWaitsForRoom() throws Exception {
        OutputUploads uploads = new OutputUploads(4, 1000);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<String> first = uploads.submit(800, () -> heldUntil(release));
        assertEquals(800, uploads.inFlightBytes());
        AtomicReference<CompletableFuture<String>> second = new AtomicReference<>();
        Thread taskThread = submitOnTaskThread(uploads, 800, second);
        assertTrue(taskThread.isAlive() && second.get() == null, "800 + 800 > 1000: the second waits");
        release.countDown();
        assertEquals("held", first.get(10, TimeUnit.SECONDS));
        taskThread.join(10_000);
        assertEquals("next", second.get().get(10, TimeUnit.SECONDS), "the second went once the first was up");
        assertEquals(0, uploads.inFlightBytes());
    }

    @Test
    void atMostOneTaskWaitsBehindEachUploadThread() throws Exception {
        // small outputs, far under the byte bound: what queues is latency, and the result waits it out
        OutputUploads uploads = new OutputUploads(2, 1 << 30);
        CountDownLatch release = new CountDownLatch(1);
        List<CompletableFuture<String>> held = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            held.add(uploads.submit(10, () -> heldUntil(release)));
        }
        AtomicReference<CompletableFuture<String>> fifth = new AtomicReference<>();
        Thread taskThread = submitOnTaskThread(uploads, 10, fifth);
        assertTrue(taskThread.isAlive() && fifth.get() == null, "2 uploading and 2 waiting: the fifth task waits");
        release.countDown();
        for (CompletableFuture<String> f : held) {
            assertEquals("held", f.get(10, TimeUnit.SECONDS));
        }
        taskThread.join(10_000);
        assertEquals("next", fifth.get().get(10, TimeUnit.SECONDS), "the fifth went once the others were up");
    }

    private static String heldUntil(CountDownLatch release) {
        try {
            release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        return "held";
    }

    /** Submits an upload from a task thread of its own, which sets {@code submitted} once it got room; given 300 ms. */
    private static Thread submitOnTaskThread(OutputUploads uploads, long bytes,
                                             AtomicReference<CompletableFuture<String>> submitted)
            throws InterruptedException {
        Thread taskThread = new Thread(() -> {
            try {
                submitted.set(uploads.submit(bytes, () -> "next"));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "test-task-thread");
        taskThread.start();
        taskThread.join(300);
        return taskThread;
    }

    @Test
    void outputsLargerThanTheBoundStillGoAlone() throws Exception {
        OutputUploads uploads = new OutputUploads(1, 1000);
        assertEquals("big", uploads.submit(5000, () -> "big").get(10, TimeUnit.SECONDS));
        assertEquals(0, uploads.inFlightBytes());
    }
}
