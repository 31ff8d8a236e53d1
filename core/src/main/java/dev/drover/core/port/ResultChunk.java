package dev.drover.core.port;

import dev.drover.core.model.TaskResult;
import java.util.List;

/**
 * A chunk of one job's results to store under its id (a result message's id): the results, and each as
 * JSON ({@code jsonLines.get(i)} is {@code results.get(i)}; null: the store encodes them if it keeps JSON).
 */
public record ResultChunk(String chunkId, List<TaskResult> results, List<String> jsonLines) {
    public ResultChunk {
        if (jsonLines != null && jsonLines.size() != results.size()) {
            throw new IllegalArgumentException("chunk " + chunkId + ": " + results.size() + " results but "
                    + jsonLines.size() + " lines");
        }
    }
}
