package dev.drover.scheduler.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.UsageMeter;
import dev.drover.core.files.FilesException;
import dev.drover.core.files.FilesPack;
import dev.drover.core.memory.InMemoryClaimStore;
import dev.drover.core.memory.InMemoryMessageQueue;
import dev.drover.core.memory.InMemoryPayloadStore;
import dev.drover.scheduler.Scheduler;
import dev.drover.scheduler.model.Backend;
import dev.drover.scheduler.model.SchedulerConfig;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scheduler's bound on a pack's unpacked size is its own setting (16 GiB by default), checked at upload. */
class FilesUnpackedLimitTest {
    @TempDir
    Path dir;

    @Test
    void aPackOverTheSchedulersUnpackedLimitIsRefusedAndOneWithinIsStored() throws Exception {
        assertEquals(16L << 30, SchedulerConfig.defaults(dir, 1).filesUnpackedLimit());
        Clock clock = Clock.systemUTC();
        Backend backend = new Backend(new InMemoryMessageQueue(clock), new InMemoryMessageQueue(clock), Optional.empty(),
                new InMemoryClaimStore(), new InMemoryPayloadStore(), Optional.empty(), UsageMeter.NONE);
        FilesPack.Pack big = pack("big", 4096);
        FilesPack.Pack small = pack("small", 1000);
        try (Scheduler scheduler = new Scheduler(SchedulerConfig.defaults(dir.resolve("data"), 1).withFilesUnpackedLimit(2048),
                backend, clock).start()) {
            FilesException e = assertThrows(FilesException.class, () -> put(scheduler, big));
            assertTrue(e.getMessage().contains("over the size limit of 2048 bytes"), e.getMessage());
            assertFalse(scheduler.hasFiles(big.sha256()), "nothing kept");
            assertTrue(put(scheduler, small));
            assertTrue(scheduler.hasFiles(small.sha256()));
        }
    }

    private boolean put(Scheduler scheduler, FilesPack.Pack pack) throws Exception {
        try (InputStream in = Files.newInputStream(pack.file())) {
            return scheduler.putFiles(pack.sha256(), in, 1L << 30);
        }
    }

    private FilesPack.Pack pack(String name, int bytes) throws Exception {
        Path source = Files.createDirectories(dir.resolve(name));
        Files.write(source.resolve("data.bin"), new byte[bytes]);
        return FilesPack.pack(source, 1L << 20, Files.createDirectories(dir.resolve("scratch-" + name)));
    }
}
