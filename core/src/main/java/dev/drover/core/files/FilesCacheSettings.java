package dev.drover.core.files;

import dev.drover.core.EnvironmentVariables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import dev.drover.core.exec.TaskUser;
import dev.drover.core.port.PayloadStore;

/**
 * Where a worker keeps its files cache and how much it may hold: {@code $DROVER_FILES_CACHE} (a
 * directory the worker owns and empties at start; default a fresh temporary directory of its own)
 * and {@code $DROVER_FILES_CACHE_LIMIT} (bytes; default {@link FilesCache#DEFAULT_LIMIT}).
 */
public record FilesCacheSettings(Optional<Path> dir, long limit) {
    public static FilesCacheSettings defaults() {
        return new FilesCacheSettings(Optional.empty(), FilesCache.DEFAULT_LIMIT);
    }

    public static FilesCacheSettings fromEnvironment(Map<String, String> env) {
        String dir = env.get(EnvironmentVariables.FILES_CACHE);
        String limit = env.get(EnvironmentVariables.FILES_CACHE_LIMIT);
        return new FilesCacheSettings(dir == null || dir.isBlank() ? Optional.empty() : Optional.of(Path.of(dir)),
                limit == null || limit.isBlank() ? FilesCache.DEFAULT_LIMIT : Long.parseLong(limit.strip()));
    }

    /** A cache on this store, in its own directory. */
    public FilesCache open(PayloadStore store) throws IOException {
        return open(store, Optional.empty());
    }

    /** The same, for tasks that run as {@code taskUser} (they get hard links to its files, not copies). */
    public FilesCache open(PayloadStore store, Optional<TaskUser> taskUser)
            throws IOException {
        Path root = dir.isPresent() ? dir.get() : Files.createTempDirectory("drover-files-");
        return new FilesCache(store, root, limit, true, taskUser);
    }
}
