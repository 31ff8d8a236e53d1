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
 * and {@code $DROVER_FILES_CACHE_LIMIT} (bytes; default {@link FilesCache#DEFAULT_LIMIT}); and how many
 * bytes of upstream tasks' outputs its {@link InputsCache} keeps, {@code $DROVER_INPUTS_CACHE_LIMIT}
 * (default {@link InputsCache#DEFAULT_LIMIT}).
 */
public record FilesCacheSettings(Optional<Path> dir, long limit, long inputsLimit) {
    public FilesCacheSettings(Optional<Path> dir, long limit) {
        this(dir, limit, InputsCache.DEFAULT_LIMIT);
    }

    public static FilesCacheSettings defaults() {
        return new FilesCacheSettings(Optional.empty(), FilesCache.DEFAULT_LIMIT);
    }

    public static FilesCacheSettings fromEnvironment(Map<String, String> env) {
        String dir = env.get(EnvironmentVariables.FILES_CACHE);
        return new FilesCacheSettings(dir == null || dir.isBlank() ? Optional.empty() : Optional.of(Path.of(dir)),
                bytes(env, EnvironmentVariables.FILES_CACHE_LIMIT, FilesCache.DEFAULT_LIMIT),
                bytes(env, EnvironmentVariables.INPUTS_CACHE_LIMIT, InputsCache.DEFAULT_LIMIT));
    }

    private static long bytes(Map<String, String> env, String name, long otherwise) {
        String v = env.get(name);
        return v == null || v.isBlank() ? otherwise : Long.parseLong(v.strip());
    }

    /** The same, keeping at most this many bytes of upstream tasks' outputs. */
    public FilesCacheSettings withInputsLimit(long bytes) {
        return new FilesCacheSettings(dir, limit, bytes);
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
