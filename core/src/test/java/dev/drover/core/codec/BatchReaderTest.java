package dev.drover.core.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.Usage;
import dev.drover.core.model.ResultBatch;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * The collector's reader keeps each result's text only for a body in the mapper's exact form: whatever it
 * reads, the mapper reads the same, writes back to the same text, and each result's slice is the mapper's
 * encoding of that result. Generated batches (every kind of character, null strings, every optional key),
 * then the same bodies mutated (spaces, escapes, digits, quotes, duplicated keys), and known forgeries.
 */
class BatchReaderTest {

    @Property(tries = 500)
    void readsEveryBatchTheMapperWrites(@ForAll("batches") ResultBatch batch) {
        String body = Json.write(batch);
        ResultBatch read = BatchReader.read(body, 0);
        Statistics.collect(Unicode.hasLoneSurrogate(body) ? "a lone surrogate" : "valid Unicode");
        if (Unicode.hasLoneSurrogate(body)) { // no UTF-8 body holds one: the reader, which reads bytes, leaves it to the mapper
            assertNull(read, body);
            assertEquals(Json.resultBatch(body), Json.receivedBatch(body));
            return;
        }
        assertNotNull(read, body);
        assertEquals(Json.resultBatch(body), read);
        assertKeptTextIsTheMappers(read, body);
    }

    @Property(tries = 100)
    void aRoutedBodyKeepsItsTextsToo(@ForAll("batches") ResultBatch batch) {
        // the collector restores a result message with its route header in front: the texts must survive it
        String body = new Route(List.of("j0123"), 1).header() + Json.write(batch);
        ResultBatch read = Json.receivedBatch(body);
        assertEquals(Json.resultBatch(body), read);
        if (Unicode.hasLoneSurrogate(body)) {
            return; // read by the mapper (above)
        }
        assertEquals(read.results().size(), read.resultJson().size(), body);
        assertKeptTextIsTheMappers(read, Json.write(batch));
    }

    @Property(tries = 3000)
    void whatItReadsIsTheMappersOwnText(@ForAll("batches") ResultBatch batch, @ForAll("seeds") long seed) {
        Random random = new Random(seed);
        String text = Mutations.of(Json.write(batch), random);
        ResultBatch read = BatchReader.read(text, 0);
        Statistics.collect(read != null ? "read (another text of the mapper's)" : "refused");
        if (read != null) {
            assertEquals(Json.resultBatch(text), read);
            assertKeptTextIsTheMappers(read, text);
        }
    }

    @Example
    void everyCharacterIsEscapedAsTheMapperDoes() {
        String all = Unicode.everyCharacter();
        ResultBatch batch = batch(List.of(result("job-1", 1, all, 0)));
        ResultBatch read = BatchReader.read(Json.write(batch), 0);
        assertNotNull(read);
        assertEquals(all, read.results().get(0).command());
        assertKeptTextIsTheMappers(read, Json.write(batch));
    }

    @Example
    void aLoneSurrogateIsLeftToTheMapper() {
        String body = Json.write(batch(List.of(result("job-1", 1, "sleep \uD800 0", 0))));
        assertNull(BatchReader.read(body, 0));
        assertEquals("sleep \uD800 0", Json.receivedBatch(body).results().get(0).command());
    }

    @Example
    void refusesWhatTheMapperWouldNotWrite() {
        String body = Json.write(batch(List.of(result("job-1", 5, "sleep 0", 0))));
        assertNotNull(BatchReader.read(body, 0));
        List<String> forms = List.of(
                body.replace("\"seq\":5,", "\"seq\":5,\"seq\":6,"),        // a key twice: which one was proven?
                body.replace("\"seq\":5,", "\"seq\":6,"),                 // the task id no longer matches
                body.replace(",\"taskId\":\"job-1/5\"", ""),
                body.replace("\"line\":", "\"extra\":1,\"line\":"),
                body.replace("\"seq\":5", "\"seq\": 5"),
                body.replace("\"seq\":5", "\"seq\":\n5"),
                body.replace("\"seq\":5", "\"seq\":05"),
                body.replace("\"seq\":5", "\"seq\":5.0"),
                body.replace("\"seq\":5", "\"seq\":\"5\""),
                body.replace("\"exitCode\":0", "\"exitCode\":-0"),
                body.replace("\"exitCode\":0", "\"exitCode\":4294967296"),
                body.replace("\"status\":\"SUCCEEDED\"", "\"status\":\"FAILEDCANCELLED\""),
                body.replace("\"command\":\"sleep 0\"", "\"command\":\"sleep \\u0030\""),
                body.replace("\"command\":\"sleep 0\"", "\"command\":\"sleep\\/0\""),
                body.replace("\"command\":\"sleep 0\"", "\"command\":\"sleep\\u001f\""),
                body.replace("\"command\":\"sleep 0\"", "\"command\":\"sleep\n0\""),
                body.replace("\"outputs\":[]", "\"outputs\":[],\"heldMillis\":0"),
                body.replace("\"outputs\":[]", "\"outputs\":[],\"stdoutObject\":null"),
                body.replace("\"zero\":false", "\"zero\":true"),
                body + " ",
                body.substring(0, body.length() - 1));
        for (String form : forms) {
            assertTrue(!form.equals(body), form);
            assertNull(BatchReader.read(form, 0), form);
        }
        ResultBatch fallback = Json.receivedBatch(forms.get(4));
        assertEquals(Json.resultBatch(body), fallback);
        assertTrue(fallback.resultJson().isEmpty(), "a body in another form is read by the mapper, keeping no text");
    }

    private static void assertKeptTextIsTheMappers(ResultBatch read, String body) {
        assertEquals(body, Json.write(read));
        assertEquals(read.results().size(), read.resultJson().size());
        for (int i = 0; i < read.results().size(); i++) {
            assertEquals(Json.write(read.results().get(i)), read.resultJson().get(i));
        }
    }

    @Provide
    Arbitrary<Long> seeds() {
        return Arbitraries.longs();
    }

    @Provide
    Arbitrary<ResultBatch> batches() {
        return Arbitraries.randomValue(RandomBatches::batch);
    }

    private static ResultBatch batch(List<TaskResult> results) {
        return new ResultBatch("w-1", "job-1", new Usage(3, 2, 1, 0), 0, results, List.of(), List.of());
    }

    private static TaskResult result(String job, long seq, String command, int exit) {
        return new TaskResult(job, seq, 1, command, TaskStatus.SUCCEEDED, exit, "", "", false, false, "w-1",
                10, 11, 12, 1, null, 0, List.of());
    }
}
