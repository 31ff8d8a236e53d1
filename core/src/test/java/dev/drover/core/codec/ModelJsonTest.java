package dev.drover.core.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.drover.core.model.Bundle;
import dev.drover.core.model.BundleSeal;
import dev.drover.core.model.OutputFile;
import dev.drover.core.model.Task;
import dev.drover.core.model.TaskInput;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The streaming encodings write exactly the mapper's text, so readers (workers, the follow client's scan) see no change. */
class ModelJsonTest {
    private static final String[] TEXTS = {"", "sleep 0", "a\"b\\c", "line\nbreak\ttab\u0001", "é ü 漢字 😀", "</script>"};

    private final Random random = new Random(24);

    private String text() {
        return TEXTS[random.nextInt(TEXTS.length)] + (random.nextBoolean() ? "" : Integer.toString(random.nextInt()));
    }

    private String textOrNull() {
        return random.nextInt(4) == 0 ? null : text();
    }

    private OutputFile output() {
        return new OutputFile(text(), random.nextLong(), textOrNull());
    }

    private TaskResult result() {
        List<OutputFile> outputs = new ArrayList<>();
        for (int i = random.nextInt(3); i > 0; i--) {
            outputs.add(output());
        }
        return new TaskResult(text(), random.nextLong(), random.nextInt(), text(),
                random.nextInt(7) == 0 ? null : TaskStatus.values()[random.nextInt(TaskStatus.values().length)],
                random.nextBoolean() ? null : random.nextInt(), textOrNull(), textOrNull(), random.nextBoolean(),
                random.nextBoolean(), text(), random.nextLong(), random.nextLong(), random.nextLong(), random.nextInt(),
                textOrNull(), random.nextInt(3) - 1, outputs, random.nextBoolean() ? null : output(),
                random.nextBoolean() ? null : output(), random.nextBoolean() ? 0 : random.nextLong());
    }

    private Task task() {
        Map<String, String> env = new LinkedHashMap<>();
        for (int i = random.nextInt(3); i > 0; i--) {
            env.put(text() + i, textOrNull());
        }
        List<TaskInput> inputs = new ArrayList<>();
        for (int i = random.nextInt(3); i > 0; i--) {
            inputs.add(new TaskInput(text(), random.nextLong(), random.nextInt(), random.nextInt()));
        }
        return new Task(random.nextLong(), random.nextInt(), text(), random.nextLong(), random.nextInt(), random.nextInt(),
                random.nextBoolean() ? 0 : random.nextInt(), env, textOrNull(), inputs);
    }

    private Bundle bundle() {
        List<Task> tasks = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
            tasks.add(task());
        }
        return new Bundle(text(), text(), random.nextLong(), tasks,
                random.nextBoolean() ? null : new BundleSeal(text(), text()));
    }

    private static String byMapper(Object value) throws Exception {
        return Json.MAPPER.writeValueAsString(value);
    }

    @Test
    void resultsAreWrittenAsTheMapperWritesThem() throws Exception {
        for (int i = 0; i < 2_000; i++) {
            TaskResult r = result();
            assertEquals(byMapper(r), Json.write(r));
            assertEquals(r, Json.result(Json.write(r)));
        }
    }

    @Test
    void bundlesAreWrittenAsTheMapperWritesThem() throws Exception {
        for (int i = 0; i < 2_000; i++) {
            Bundle b = bundle();
            assertEquals(byMapper(b), Json.write(b));
            assertEquals(b, Json.bundle(Json.write(b)));
        }
    }

    @Test
    void anEnvironmentUnsetIsWrittenAsNull() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("GONE", null);
        Bundle b = new Bundle("b", "j", 1, List.of(new Task(1, 1, "true", 0, 1, 1, 0, env, null)));
        assertEquals(byMapper(b), Json.write(b));
    }
}
