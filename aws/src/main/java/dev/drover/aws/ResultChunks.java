package dev.drover.aws;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.drover.core.codec.Json;
import dev.drover.core.model.TaskResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** A chunk of a job's results as the job store keeps it: a JSON array of results, gzipped. */
final class ResultChunks {
    private static final TypeReference<List<TaskResult>> RESULT_LIST = new TypeReference<>() {};

    private ResultChunks() {}

    static List<TaskResult> read(byte[] gzipped) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
            return Json.MAPPER.readValue(in, RESULT_LIST);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * At the fastest level: on result JSON it costs a quarter of the default level's CPU (0.3 against
     * 1.3 µs a result, measured) for chunks about a fifth larger, still a few bytes a result.
     */
    static byte[] gzip(String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 4 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(out) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        }) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
