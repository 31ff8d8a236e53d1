package dev.drover.core.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.drover.core.model.Bundle;
import dev.drover.core.model.BundleSeal;
import dev.drover.core.model.Task;
import dev.drover.core.model.TaskInput;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * The worker's bundle reader reads what the dispatcher writes (its bodies are {@link Json#write} of a bundle) into
 * the mapper's value, and refuses anything else, so that {@link Json#bundle} has the mapper's outcome for every
 * body: the same bundle, or the same {@link IllegalArgumentException}. Generated bundles (every task field, the
 * optional ones left out or not, every kind of character), then the same bodies mutated and cut short, and forms
 * the dispatcher never writes.
 */
class BundleReaderTest {
    private static final ObjectReader MAPPER = Json.MAPPER.readerFor(Bundle.class);

    @Property(tries = 1000)
    void readsEveryBundleTheDispatcherWrites(@ForAll("bundles") Bundle bundle) {
        String body = Json.write(bundle);
        Bundle read = BundleReader.read(body);
        Statistics.collect(Unicode.hasLoneSurrogate(body) ? "a lone surrogate" : "valid Unicode");
        if (Unicode.hasLoneSurrogate(body)) { // no UTF-8 body holds one: the reader, which reads bytes, leaves it to the mapper
            assertNull(read, body);
            assertEquals(bundle, Json.bundle(body));
            return;
        }
        assertNotNull(read, body);
        assertEquals(bundle, read);
        assertEquals(mapper(body), read);
        assertEquals(body, Json.write(read), "the env's order too");
    }

    @Property(tries = 3000)
    void whatItReadsTheMapperReadsTheSame(@ForAll("bundles") Bundle bundle, @ForAll("seeds") long seed) {
        Random random = new Random(seed);
        String text = Mutations.of(Json.write(bundle), random);
        Bundle read = BundleReader.read(text);
        Statistics.collect(read != null ? "read (another text of the mapper's)" : "refused");
        if (read != null) {
            assertEquals(mapper(text), read);
            assertEquals(text, Json.write(read));
        }
        assertEquals(outcome(text, false), outcome(text, true), text);
    }

    @Property(tries = 40)
    void aBodyCutShortIsRefusedAndFailsAsBefore(@ForAll("bundles") Bundle bundle) {
        String body = Json.write(bundle);
        for (int end = 0; end < body.length(); end++) {
            String cut = body.substring(0, end);
            assertNull(BundleReader.read(cut), cut);
            assertEquals(outcome(cut, false), outcome(cut, true), cut);
        }
    }

    @Example
    void everyCharacterIsReadAsTheMapperReadsIt() {
        String all = Unicode.everyCharacter();
        Map<String, String> env = new LinkedHashMap<>();
        env.put(all.substring(0, 40_000), all); // a name is at most 50,000 characters to the mapper
        env.put(all.substring(40_000), all);
        env.put("UNSET", null);
        Task task = new Task(1, 2, all, 0, 1, 1, 3, env, all, List.of(new TaskInput(all, 0, 1, 0)));
        Bundle bundle = new Bundle(all, all, 7, List.of(task), new BundleSeal(all, all));
        Bundle read = BundleReader.read(Json.write(bundle));
        assertNotNull(read);
        assertEquals(bundle, read);
        assertEquals(all, read.tasks().get(0).command());
    }

    @Example
    void readsTheDispatchersBundleOfSleeps() {
        List<Task> tasks = new ArrayList<>();
        for (int seq = 0; seq < 500; seq++) {
            tasks.add(new Task(seq, seq + 1, "sleep 0", 0, 1, 1));
        }
        Bundle bundle = new Bundle("j0123:0:500", "j0123", 1_700_000_000_000L, tasks, new BundleSeal("0-499@j0123", "c2VjcmV0"));
        assertEquals(bundle, BundleReader.read(Json.write(bundle)));
        assertEquals(bundle, Json.bundle(Json.write(bundle)));
    }

    @Example
    void refusesWhatTheDispatcherWouldNotWriteAndTheMapperDecides() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("A", "1");
        env.put("B", null);
        Task task = new Task(5, 6, "sleep 0", 100, 1, 3, 2, env, "abc", List.of(new TaskInput("x", 1, 2, 0)));
        String body = Json.write(new Bundle("j:5:1", "j", 17, List.of(task), new BundleSeal("5-5@j", "s")));
        String bare = Json.write(new Bundle("j:5:1", "j", 17, List.of(new Task(5, 6, "sleep 0", 100, 1, 3))));
        assertNotNull(BundleReader.read(body));
        assertNotNull(BundleReader.read(bare));
        List<String> forms = List.of(
                body.replace("{\"bundleId\":\"j:5:1\",\"jobId\":\"j\"", "{\"jobId\":\"j\",\"bundleId\":\"j:5:1\""),
                body.replace("\"seq\":5,", "\"seq\":5,\"seq\":6,"),
                body.replace("\"line\":", "\"extra\":1,\"line\":"),
                body.replace("\"seq\":5", "\"seq\": 5"),
                body.replace("\"seq\":5", "\"seq\":\n5"),
                body.replace("\"seq\":5", "\"seq\":05"),
                body.replace("\"seq\":5", "\"seq\":5.0"),
                body.replace("\"seq\":5", "\"seq\":\"5\""),
                body.replace("\"seq\":5", "\"seq\":-0"),
                body.replace("\"line\":6", "\"line\":4294967296"),
                body.replace("\"seq\":5", "\"seq\":9223372036854775808"),
                body.replace("\"command\":\"sleep 0\"", "\"command\":\"sleep \\u0030\""),
                body.replace("\"command\":\"sleep 0\"", "\"command\":\"sleep\\/0\""),
                body.replace("\"command\":\"sleep 0\"", "\"command\":\"sleep\\u001f\""),
                body.replace("\"command\":\"sleep 0\"", "\"command\":\"sleep\n0\""),
                body.replace("\"command\":\"sleep 0\"", "\"command\":\"sleep\\x0\""),
                body.replace("\"replica\":2", "\"replica\":0"),
                body.replace("\"env\":{\"A\":\"1\",\"B\":null}", "\"env\":{}"),
                body.replace("\"env\":{\"A\":\"1\",\"B\":null}", "\"env\":{\"A\":\"1\",\"A\":null}"),
                body.replace("\"env\":{\"A\":\"1\",\"B\":null}", "\"env\":{\"A\":1}"),
                body.replace("\"env\":{\"A\":\"1\",\"B\":null}", "\"env\":null"),
                body.replace("\"files\":\"abc\"", "\"files\":null"),
                body.replace("\"inputs\":[{\"name\":\"x\",\"firstSeq\":1,\"count\":2,\"firstReplica\":0}]", "\"inputs\":[]"),
                body.replace("\"inputs\":[{\"name\":\"x\",\"firstSeq\":1,\"count\":2,\"firstReplica\":0}]", "\"inputs\":[null]"),
                body.replace(",\"seal\":{\"scope\":\"5-5@j\",\"secret\":\"s\"}", ",\"seal\":null"),
                body.replace("\"tasks\":[{", "\"tasks\":[null,{"),
                bare.replace(",\"tasks\":[{\"seq\":5,\"line\":6,\"command\":\"sleep 0\",\"timeoutMs\":100,\"attempt\":1,\"maxAttempts\":3}]", ""),
                bare.replace("\"tasks\":[{\"seq\":5,\"line\":6,\"command\":\"sleep 0\",\"timeoutMs\":100,\"attempt\":1,\"maxAttempts\":3}]", "\"tasks\":null"),
                bare.replace(",\"timeoutMs\":100", ""),
                body + " ",
                body + "}",
                " " + body,
                "",
                "null",
                "[]",
                body.substring(0, body.length() - 1));
        for (String form : forms) {
            assertTrue(!form.equals(body) && !form.equals(bare), form);
            assertNull(BundleReader.read(form), form);
            assertEquals(outcome(form, false), outcome(form, true), form);
        }
        assertEquals(mapper(body), Json.bundle(forms.get(0)), "another order: the mapper reads the same bundle");
        assertThrows(IllegalArgumentException.class, () -> Json.bundle(forms.get(5)));
    }

    @Example
    void anEnvNameTooLongForTheMapperGoesToIt() {
        for (int length : new int[] {50_000, 50_001}) {
            Task task = new Task(1, 1, "env", 0, 1, 1, 0, Map.of("N".repeat(length), "v"), null);
            String body = Json.write(new Bundle("j:1:1", "j", 1, List.of(task)));
            Bundle read = BundleReader.read(body);
            assertEquals(outcome(body, false), outcome(body, true));
            if (length == 50_000) {
                assertEquals(mapper(body), read);
            } else {
                assertNull(read, "the mapper refuses a name over 50,000 characters");
                assertThrows(IllegalArgumentException.class, () -> Json.bundle(body));
            }
        }
    }

    /** The mapper's bundle, or its error as {@link Json#bundle} has always said it. */
    private static Object outcome(String body, boolean byJson) {
        try {
            return byJson ? Json.bundle(body) : mapper(body);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    private static Bundle mapper(String body) {
        try {
            return MAPPER.readValue(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("malformed message: " + e.getOriginalMessage(), e);
        }
    }

    @Provide
    Arbitrary<Long> seeds() {
        return Arbitraries.longs();
    }

    @Provide
    Arbitrary<Bundle> bundles() {
        return Arbitraries.randomValue(RandomBundles::bundle);
    }
}
