package dev.drover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Where a downloaded output lands: its stored name decoded, inside its task's folder or nowhere. */
class DownloaderTest {
    private final Path task = Path.of("/downloads/7").toAbsolutePath();

    @Test
    void encodedNamesAreDecodedAsOneNameEach() {
        assertEquals(task.resolve("a").resolve("b.txt"), Downloader.local(task, "a/b.txt"));
        assertEquals(task.resolve("..\\..\\x"), Downloader.local(task, "..%5C..%5Cx"));
        assertEquals(task.resolve("100%"), Downloader.local(task, "100%25"));
        assertEquals(task.resolve("50%zz"), Downloader.local(task, "50%zz"), "not an escape: kept");
    }

    @Test
    void namesThatWouldLeaveTheFolderAreRefused() {
        for (String evil : new String[] {"..", "../x", "a/../../x", "/etc/passwd", "", "a//b", "%2E%2E/x", "a%2F..%2F..%2Fx", ".",
                "a%00b"}) {
            assertNull(Downloader.local(task, evil), evil);
        }
    }
}
