package dev.drover.core.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.drover.core.model.OutputFile;
import dev.drover.core.model.ResultBatch;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import dev.drover.core.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand-written result decoder reads what the mapper's own record decoding read, and refuses what it refused. */
class ResultDeserializerTest {
    /** The mapper as it was, without the decoder. */
    private static final ObjectMapper PLAIN = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private static TaskResult plain(String json) throws Exception {
        return PLAIN.readValue(json, TaskResult.class);
    }

    @Test
    void randomResultsDecodeAsTheMapperDecodedThem() throws Exception {
        Random random = new Random(7);
        String[] texts = {"", "sleep 0", "a\"b\\c", "x\ny\u0002", "é 漢字 😀"};
        for (int i = 0; i < 2_000; i++) {
            List<OutputFile> outputs = new ArrayList<>();
            for (int k = random.nextInt(3); k > 0; k--) {
                outputs.add(new OutputFile(texts[random.nextInt(texts.length)], random.nextLong(), "ab"));
            }
            TaskResult r = new TaskResult(texts[random.nextInt(texts.length)] + i, random.nextLong(), random.nextInt(),
                    texts[random.nextInt(texts.length)], TaskStatus.values()[random.nextInt(TaskStatus.values().length)],
                    random.nextBoolean() ? null : random.nextInt(), "out", random.nextBoolean() ? null : "err",
                    random.nextBoolean(), random.nextBoolean(), "w", random.nextLong(), random.nextLong(), random.nextLong(),
                    random.nextInt(), random.nextBoolean() ? null : "why", random.nextInt(3), outputs,
                    random.nextBoolean() ? null : new OutputFile("o", 1, "s"), null, random.nextInt(5));
            String json = Json.write(r);
            assertEquals(plain(json), Json.result(json));
            assertEquals(r, Json.result(json));
        }
    }

    @Test
    void oddButValidInputDecodesAsTheMapperDecodedIt() throws Exception {
        List<String> inputs = List.of(
                "{}",
                "{\"taskId\":\"j/1\",\"jobId\":\"j\",\"seq\":1,\"status\":\"FAILED\"}",
                "{\"jobId\":\"j\",\"later\":{\"nested\":[1,{\"a\":2}]},\"seq\":\"12\",\"line\":null,\"exitCode\":\"3\"}",
                "{\"jobId\":5,\"seq\":2.0,\"stdoutTruncated\":\"true\",\"outputs\":null,\"stdoutObject\":null,\"status\":null}",
                "{\"jobId\":\"j\",\"jobId\":\"k\",\"outputs\":[{\"path\":\"p\",\"bytes\":3,\"sha256\":\"x\",\"more\":1}],\"heldMillis\":4}");
        for (String json : inputs) {
            assertEquals(plain(json), Json.result(json), json);
        }
        String batch = Json.write(new ResultBatch("w", "j", Usage.ZERO, 0,
                List.of(Json.result(inputs.get(1)), Json.result(inputs.get(4)))));
        assertEquals(PLAIN.readValue(batch, ResultBatch.class).results(), Json.resultBatch(batch).results());
        assertEquals(PLAIN.readValue("[" + inputs.get(1) + "]", new TypeReference<List<TaskResult>>() {}),
                Json.MAPPER.readValue("[" + inputs.get(1) + "]", new TypeReference<List<TaskResult>>() {}));
    }

    @Test
    void malformedInputIsRefusedAsAMalformedMessage() {
        List<String> inputs = List.of(
                "{\"status\":\"NOPE\"}",
                "{\"seq\":\"twelve\"}",
                "{\"line\":99999999999}",
                "{\"jobId\":{\"a\":1}}",
                "{\"outputs\":[null]}",
                "{\"outputs\":{}}",
                "[1]",
                "{\"seq\":1");
        for (String json : inputs) {
            assertThrows(Exception.class, () -> plain(json), json);
            assertThrows(IllegalArgumentException.class, () -> Json.result(json), json);
        }
    }
}
