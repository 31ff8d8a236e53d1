package dev.drover.core.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.memory.InMemoryPayloadStore;
import dev.drover.core.model.TaskInput;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker's inputs cache keeps within its bound, least recently used out first, and never drops a running task's inputs. */
class InputsCacheTest {
    @TempDir
    Path dir;

    private final InMemoryPayloadStore store = new InMemoryPayloadStore();

    private void output(long seq, int bytes) {
        store.put(StoreWorkspace.outputKey("j", seq, "part"), "x".repeat(bytes).getBytes(StandardCharsets.UTF_8));
    }

    private static List<TaskInput> of(long seq) {
        return List.of(new TaskInput("up", seq, 1, 0));
    }

    private Path layOut(InputsCache cache, long seq) throws Exception {
        Path task = Files.createTempDirectory(dir, "task-");
        cache.layOut("j", of(seq), task);
        return task.resolve("up").resolve("0");
    }

    @Test
    void dropsTheLeastRecentlyUsedCopyOnceOverItsBound() throws Exception {
        for (long seq = 0; seq < 3; seq++) {
            output(seq, 100);
        }
        InputsCache cache = new InputsCache(store, dir.resolve("cache"), 250);
        layOut(cache, 0);
        cache.release("j", of(0));
        layOut(cache, 1);
        cache.release("j", of(1));
        layOut(cache, 0); // 0 is now more recent than 1
        cache.release("j", of(0));
        Path two = layOut(cache, 2);
        cache.release("j", of(2));
        assertEquals(200, cache.bytes());
        assertEquals(1, cache.evictions());
        assertEquals("x".repeat(100), Files.readString(two.resolve("part")));
        assertEquals(3, cache.fetches());
        layOut(cache, 0);
        assertEquals(3, cache.fetches(), "0 stayed: 1 went");
        layOut(cache, 1);
        assertEquals(4, cache.fetches(), "1 is fetched again");
    }

    @Test
    void neverDropsTheInputsOfARunningTaskEvenOverItsBound() throws Exception {
        output(0, 100);
        output(1, 100);
        InputsCache cache = new InputsCache(store, dir.resolve("cache"), 50);
        Path zero = layOut(cache, 0);
        Path one = layOut(cache, 1);
        assertEquals(200, cache.bytes(), "both tasks run: both copies stay, over the bound");
        assertTrue(Files.exists(zero.resolve("part")));
        assertTrue(Files.exists(one.resolve("part")));
        cache.release("j", of(0));
        assertEquals(100, cache.bytes());
        assertFalse(Files.exists(zero.resolve("part")), "once its task ended, the copy went");
        assertTrue(Files.exists(one.resolve("part")));
    }

    @Test
    void aCopySharedByTwoRunningTasksStaysUntilBothEnd() throws Exception {
        output(0, 100);
        InputsCache cache = new InputsCache(store, dir.resolve("cache"), 0);
        Path first = layOut(cache, 0);
        layOut(cache, 0);
        cache.release("j", of(0));
        assertTrue(Files.exists(first.resolve("part")));
        cache.release("j", of(0));
        assertFalse(Files.exists(first.resolve("part")));
        assertEquals(1, cache.fetches());
    }

    @Test
    void refusesANegativeBound() {
        assertThrows(IllegalArgumentException.class, () -> new InputsCache(store, dir.resolve("cache"), -1));
    }
}
