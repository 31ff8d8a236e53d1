package dev.drover.scheduler.api;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import org.junit.jupiter.api.Test;

/** ENOSPC as the JDK reports it: a FileSystemException's reason (open, copy) or a bare IOException (write). */
class DiskFullTest {
    @Test
    void aFullDiskIsRecognisedHoweverItIsWrapped() {
        assertTrue(DiskFull.causedBy(new FileSystemException("/data/files-1.tar.gz", null, "No space left on device")));
        assertTrue(DiskFull.causedBy(new IOException("No space left on device")));
        assertTrue(DiskFull.causedBy(new UncheckedIOException(new IOException("No space left on device"))));
        assertTrue(DiskFull.causedBy(new RuntimeException("S3 upload", new UncheckedIOException(
                new FileSystemException("/tmp/x", null, "No space left on device")))));
        assertFalse(DiskFull.causedBy(new IOException("Permission denied")));
        assertFalse(DiskFull.causedBy(new IllegalStateException("No space left on device")), "only an I/O error says so");
    }
}
