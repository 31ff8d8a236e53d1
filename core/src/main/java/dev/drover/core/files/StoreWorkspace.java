package dev.drover.core.files;

import dev.drover.core.exec.Workspace;
import dev.drover.core.model.OutputFile;
import dev.drover.core.model.Task;
import dev.drover.core.port.PayloadStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A worker's workspace on a payload store: job files from the {@link FilesCache}, and every regular
 * file a task leaves in its output directory uploaded, streamed, to
 * {@code outputs/<job>/<seq>/<relative path>}. Symlinks in the output directory are not followed
 * (a task could otherwise upload any file the worker can read).
 */
public final class StoreWorkspace implements Workspace {
    private final PayloadStore store;
    private final FilesCache cache;

    public StoreWorkspace(PayloadStore store, FilesCache cache) {
        this.store = store;
        this.cache = cache;
    }

    public FilesCache cache() {
        return cache;
    }

    /** The key of one output file of a task. */
    public static String outputKey(String jobId, long seq, String path) {
        return PayloadStore.OUTPUTS_PREFIX + jobId + "/" + seq + "/" + path;
    }

    @Override
    public void populate(String filesSha256, Path workDir) throws IOException {
        cache.populate(filesSha256, workDir);
    }

    @Override
    public List<OutputFile> collect(String jobId, Task task, Path outputDir) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(outputDir)) {
            files = walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
        }
        List<OutputFile> outputs = new ArrayList<>(files.size());
        for (Path file : files) {
            String rel = outputDir.relativize(file).toString().replace('\\', '/');
            long bytes = Files.size(file);
            String sha = FilesPack.sha256(file);
            store.putFile(outputKey(jobId, task.seq(), rel), file);
            outputs.add(new OutputFile(rel, bytes, sha));
        }
        return outputs;
    }
}
