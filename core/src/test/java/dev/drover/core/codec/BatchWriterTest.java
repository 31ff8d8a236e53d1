package dev.drover.core.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.drover.core.Usage;
import dev.drover.core.model.OutputFile;
import dev.drover.core.model.ResultBatch;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The worker's writer gives the mapper's text exactly, for every batch: so the mapper reads what it writes, and
 * the collector's reader, which keeps only the mapper's own form, keeps every result's text.
 */
class BatchWriterTest {
    @Property(tries = 2000)
    void writesWhatTheMapperWrites(@ForAll("batches") ResultBatch batch) {
        assertEquals(Json.write(batch), BatchWriter.write(batch));
    }

    @Example
    void everyCharacterIsEscapedAsTheMapperDoes() {
        StringBuilder all = new StringBuilder();
        for (int c = 0; c <= Character.MAX_VALUE; c++) {
            all.append((char) c);
        }
        TaskResult r = new TaskResult("job-1", 1, 1, all.toString(), TaskStatus.FAILED, null, all.toString(), "", true,
                false, "w-1", 10, 11, 12, 1, all.toString(), 0, List.of(new OutputFile(all.toString(), 3, "ab")));
        ResultBatch batch = new ResultBatch(all.toString(), "job-1", Usage.ZERO, 0, List.of(r));
        assertEquals(Json.write(batch), BatchWriter.write(batch));
    }

    @Example
    void aRoutedBodyIsReadBackWithEveryResultsText() {
        TaskResult r = new TaskResult("job-1", 7, 8, "sleep 0", TaskStatus.SUCCEEDED, 0, "", "", false, false, "w-1",
                10, 11, 12, 1, null, 0, List.of(), null, null, 3);
        ResultBatch batch = new ResultBatch("w-1", "job-1", new Usage(1, 2, 0, 0), 0, List.of(r, r));
        ResultBatch read = Json.receivedBatch(Json.routed(batch));
        assertEquals(batch, read);
        assertEquals(List.of(Json.write(r), Json.write(r)), read.resultJson());
    }

    @Provide
    Arbitrary<ResultBatch> batches() {
        return Arbitraries.randomValue(RandomBatches::batch);
    }
}
