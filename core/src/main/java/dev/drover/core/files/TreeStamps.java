package dev.drover.core.files;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What every entry of a copied tree looked like when it was made: inode, inode change time, size and
 * mode, by relative path. A copy is lent again only if its stamps read anew are the same, and only
 * once the clock is a timestamp tick past the newest ctime in them (see {@link FilesCache}).
 */
final class TreeStamps {
    /** Longer than a coarse file timestamp tick (a jiffy at HZ=100 is 10 ms). */
    static final long TIMESTAMP_TICK_NANOS = 20_000_000L;

    private TreeStamps() {}

    /** Every entry under {@code dir} (not following symlinks): inode, ctime, size, mode. */
    static Map<String, List<Object>> of(Path dir) throws IOException {
        Map<String, List<Object>> stamps = new HashMap<>();
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) throws IOException {
                // the copy's own directory is renamed in and out, which sets its ctime: its mode, then
                // (an entry added or removed in it shows as a key more or less)
                stamps.put(dir.relativize(d).toString(), d.equals(dir) ? List.of(mode(d)) : stamp(d));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                stamps.put(dir.relativize(f).toString(), stamp(f));
                return FileVisitResult.CONTINUE;
            }
        });
        return stamps;
    }

    /** One entry's stamp; throws where the "unix" attribute view (inode, ctime) is missing. */
    static List<Object> stamp(Path p) throws IOException {
        Map<String, Object> a = Files.readAttributes(p, "unix:ino,ctime,size,mode", LinkOption.NOFOLLOW_LINKS);
        return List.of(a.get("ino"), ((FileTime) a.get("ctime")).to(TimeUnit.NANOSECONDS), a.get("size"), a.get("mode"));
    }

    private static Object mode(Path p) throws IOException {
        return Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    }

    /** Waits until the clock is a timestamp tick past the newest ctime among the stamps. */
    static void awaitTickAfter(Map<String, List<Object>> stamps) {
        long newest = stamps.values().stream().filter(s -> s.size() > 1).mapToLong(s -> (Long) s.get(1)).max().orElse(0);
        long waitNanos = newest + TIMESTAMP_TICK_NANOS - nowNanos();
        if (waitNanos > 0) {
            try {
                Thread.sleep(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static long nowNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
