package dev.drover.core.files;

import dev.drover.core.exec.Workspace;
import dev.drover.core.model.OutputFile;
import dev.drover.core.model.Task;
import dev.drover.core.model.TaskInput;
import dev.drover.core.port.PayloadStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.stream.StreamSupport;

/**
 * A worker's workspace on a payload store: job files from the {@link FilesCache}, and every regular
 * file a task leaves in its output directory uploaded, streamed, to
 * {@code outputs/<job>/<seq>/<relative path>}, each name in the path encoded ({@link OutputNames}).
 * Symlinks are not followed; the shell executor hands over the outputs already moved, by directory
 * descriptor, out of the task's reach ({@code OutputHarvest}), so nothing can swap them for links
 * while they upload.
 */
public final class StoreWorkspace implements Workspace {
    private static final Logger log = LoggerFactory.getLogger(StoreWorkspace.class);
    private final PayloadStore store;
    private final FilesCache cache;
    /** Made when a task first has inputs. */
    private volatile InputsCache inputs;
    private final long inputsLimit;

    public StoreWorkspace(PayloadStore store, FilesCache cache) {
        this(store, cache, InputsCache.DEFAULT_LIMIT);
    }

    /** The same, keeping at most {@code inputsLimit} bytes of upstream tasks' outputs (beyond those running tasks use). */
    public StoreWorkspace(PayloadStore store, FilesCache cache, long inputsLimit) {
        this.store = store;
        this.cache = cache;
        this.inputsLimit = inputsLimit;
    }

    @Override
    public void inputs(String jobId, List<TaskInput> taskInputs, Path dir) throws IOException {
        inputsCache().layOut(jobId, taskInputs, dir);
    }

    @Override
    public void releaseInputs(String jobId, List<TaskInput> taskInputs) {
        InputsCache c = inputs;
        if (c != null) {
            c.release(jobId, taskInputs);
        }
    }

    /** The worker's copies of upstream tasks' outputs (made on first use, in the temporary directory). */
    public synchronized InputsCache inputsCache() throws IOException {
        if (inputs == null) {
            inputs = new InputsCache(store, Files.createTempDirectory("drover-inputs-"), inputsLimit);
        }
        return inputs;
    }

    public FilesCache cache() {
        return cache;
    }

    /**
     * Under a task's output prefix, where Drover keeps the task's own files (its whole stdout and
     * stderr): a file the task itself leaves in {@code $DROVER_OUTPUT_DIR/.drover/} is not uploaded.
     */
    public static final String RESERVED_DIR = ".drover/";

    /** The key of one output file of a task. */
    public static String outputKey(String jobId, long seq, String path) {
        return PayloadStore.OUTPUTS_PREFIX + jobId + "/" + seq + "/" + path;
    }

    @Override
    public void populate(String filesSha256, Path workDir) throws IOException {
        cache.checkout(filesSha256, workDir);
    }

    @Override
    public void release(Path workDir) {
        cache.giveBack(workDir);
    }

    @Override
    public List<OutputFile> collect(String jobId, Task task, Path outputDir) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(outputDir)) {
            files = walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
        }
        List<OutputFile> outputs = new ArrayList<>(files.size());
        for (Path file : files) {
            // the separator is the platform's; a backslash in a name is a character of it, encoded
            String rel = OutputNames.encode(String.join("/",
                    StreamSupport.stream(outputDir.relativize(file).spliterator(), false).map(Path::toString).toList()));
            if (rel.startsWith(RESERVED_DIR)) {
                log.warn("task {}: not uploading {} from its output directory: {} is Drover's own", Task.id(jobId, task.seq()),
                        rel, RESERVED_DIR);
                continue;
            }
            long bytes = Files.size(file);
            String sha = store.putFileSha256(outputKey(jobId, task.seq(), rel), file);
            outputs.add(new OutputFile(rel, bytes, sha));
        }
        return outputs;
    }

    @Override
    public OutputFile keepStream(String jobId, Task task, String name, Path file) throws IOException {
        String rel = RESERVED_DIR + name;
        long bytes = Files.size(file);
        String sha = store.putFileSha256(outputKey(jobId, task.seq(), rel), file);
        return new OutputFile(rel, bytes, sha);
    }
}
