package dev.drover.core.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.drover.core.model.Bundle;
import dev.drover.core.model.BundleSeal;
import dev.drover.core.model.Task;
import dev.drover.core.model.TaskInput;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The dispatcher's writer gives the mapper's text exactly, for every bundle: so the mapper reads what it writes, and
 * the worker's reader, which reads only the mapper's own form, reads every bundle.
 */
class BundleWriterTest {
    @Property(tries = 2000)
    void writesWhatTheMapperWrites(@ForAll("bundles") Bundle bundle) {
        assertEquals(Json.write(bundle), BundleWriter.write(bundle));
    }

    @Example
    void everyCharacterIsEscapedAsTheMapperDoes() {
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c <= Character.MAX_VALUE; c++) {
            sb.append((char) c);
        }
        String all = sb.toString();
        Map<String, String> env = new LinkedHashMap<>();
        env.put(all, all);
        env.put("UNSET", null);
        Task task = new Task(1, 2, all, 0, 1, 1, 3, env, all, List.of(new TaskInput(all, 0, 1, 0)));
        Bundle bundle = new Bundle(all, all, 7, List.of(task, new Task(2, 3, "sleep 0", 0, 1, 1)), new BundleSeal(all, all));
        assertEquals(Json.write(bundle), BundleWriter.write(bundle));
    }

    @Provide
    Arbitrary<Bundle> bundles() {
        return Arbitraries.randomValue(RandomBundles::bundle);
    }
}
