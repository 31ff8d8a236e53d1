package dev.drover.core.codec;

import static dev.drover.core.codec.RandomBatches.number;
import static dev.drover.core.codec.RandomBatches.pick;
import static dev.drover.core.codec.RandomBatches.text;

import dev.drover.core.model.Bundle;
import dev.drover.core.model.BundleSeal;
import dev.drover.core.model.Task;
import dev.drover.core.model.TaskInput;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Random bundles for the codec's properties: every field of a task, each optional one left out (its default) or
 * not, seals or none, and the batches' characters of every kind in every string (as {@link RandomBatches}).
 */
final class RandomBundles {
    private RandomBundles() {
    }

    static Bundle bundle(Random r) {
        List<String> commands = RandomBatches.pool(r); // tasks repeat a command (the reader shares a repeated one)
        List<Task> tasks = new ArrayList<>();
        for (int i = r.nextInt(6); i > 0; i--) {
            tasks.add(new Task(number(r), (int) number(r), pick(r, commands), number(r), (int) number(r), (int) number(r),
                    r.nextBoolean() ? 0 : (int) number(r), env(r), r.nextBoolean() ? null : text(r), inputs(r)));
        }
        BundleSeal seal = r.nextBoolean() ? null : new BundleSeal(text(r), text(r));
        return new Bundle(text(r), text(r), number(r), tasks, seal);
    }

    /** Often empty; else a few variables, some unset (null). */
    private static Map<String, String> env(Random r) {
        Map<String, String> env = new LinkedHashMap<>();
        for (int i = r.nextBoolean() ? 0 : r.nextInt(4); i > 0; i--) {
            String name = text(r);
            env.put(name == null ? "" : name, text(r));
        }
        return env;
    }

    private static List<TaskInput> inputs(Random r) {
        List<TaskInput> inputs = new ArrayList<>();
        for (int i = r.nextBoolean() ? 0 : r.nextInt(3); i > 0; i--) {
            inputs.add(new TaskInput(text(r), number(r), (int) number(r), (int) number(r)));
        }
        return inputs;
    }
}
