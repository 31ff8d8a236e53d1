package dev.drover.aws;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.drover.core.codec.Json;
import dev.drover.core.model.TaskResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** A chunk of a job's results as the job store keeps it: a JSON array of results, gzipped. */
final class ResultChunks {
    /** Largest gzipped chunk stored as one item: DynamoDB's item limit is 400 KB, keys and names included. */
    static final int MAX_ITEM_BYTES = 350_000;
    /** Bytes handed to the deflater at a time, and its output buffer's size. */
    private static final int BLOCK = 64 * 1024;
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
     * The results' lines as the JSON array a chunk holds, gzipped at the fastest level: on result JSON it costs a
     * quarter of the default level's CPU (0.3 against 1.3 µs a result, measured) for chunks about a fifth larger,
     * still a few bytes a result. The lines go to the deflater in blocks as they are encoded, not joined into one
     * text first (for a result message, two copies of a megabyte that G1 allocates as humongous objects).
     */
    static byte[] gzip(List<String> jsonLines) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Json.joinedLength(jsonLines) / 4 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(out, BLOCK) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        }) {
            byte[] block = new byte[BLOCK];
            int n = 0;
            for (int i = 0; i < jsonLines.size(); i++) {
                byte[] line = jsonLines.get(i).getBytes(StandardCharsets.UTF_8);
                if (n + line.length + 2 > BLOCK) {
                    gz.write(block, 0, n);
                    n = 0;
                }
                block[n++] = (byte) (i == 0 ? '[' : ',');
                if (line.length + 2 > BLOCK) { // a line longer than a block goes on its own
                    gz.write(block, 0, n);
                    gz.write(line);
                    n = 0;
                } else {
                    System.arraycopy(line, 0, block, n, line.length);
                    n += line.length;
                }
            }
            if (jsonLines.isEmpty()) {
                block[n++] = '[';
            }
            block[n++] = ']'; // room is left: a line is copied only with two bytes to spare
            gz.write(block, 0, n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * The chunk's results ({@code jsonLines}, each a result's JSON) gzipped as one item, or, past {@code maxBytes},
     * as items of halves, named {@code chunkId + "/a"} and {@code chunkId + "/b"} (and so on): a repeat of the same
     * message splits alike, so its pieces are found stored already. By item name, in the results' order. A single
     * result is never split (the workers' output caps keep it far below the limit).
     */
    static Map<String, byte[]> pieces(String chunkId, List<String> jsonLines, int maxBytes) {
        Map<String, byte[]> pieces = new LinkedHashMap<>();
        split(chunkId, jsonLines, maxBytes, pieces);
        return pieces;
    }

    private static void split(String id, List<String> lines, int maxBytes, Map<String, byte[]> pieces) {
        byte[] gzipped = gzip(lines);
        if (gzipped.length <= maxBytes || lines.size() < 2) {
            pieces.put(id, gzipped);
            return;
        }
        int half = lines.size() / 2;
        split(id + "/a", lines.subList(0, half), maxBytes, pieces);
        split(id + "/b", lines.subList(half, lines.size()), maxBytes, pieces);
    }

}
