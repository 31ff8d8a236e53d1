package dev.drover.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.codec.Json;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class ResultChunksTest {
    static List<String> lines(int n, int outputBytes) {
        Random random = new Random(n);
        List<String> lines = new ArrayList<>();
        for (int seq = 0; seq < n; seq++) {
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < outputBytes; i++) {
                out.append((char) ('!' + random.nextInt(90))); // hardly compressible
            }
            lines.add(Json.write(new TaskResult("j", seq, seq + 1, "x", TaskStatus.SUCCEEDED, 0, out.toString(), "", false, false,
                    "w", 1, 2, 3, 1, null)));
        }
        return lines;
    }

    @Test
    void aChunkUnderTheLimitIsOneItemUnderItsOwnName() {
        Map<String, byte[]> pieces = ResultChunks.pieces("m1", lines(5, 100), ResultChunks.MAX_ITEM_BYTES);
        assertEquals(List.of("m1"), List.copyOf(pieces.keySet()));
        assertEquals(5, ResultChunks.read(pieces.get("m1")).size());
    }

    @Test
    void aChunkOverTheLimitSplitsInHalvesEachUnderItInOrderAndAlikeEachTime() {
        List<String> lines = lines(10, 1_000);
        Map<String, byte[]> pieces = ResultChunks.pieces("m1", lines, 2_500);
        assertTrue(pieces.size() > 1, pieces.keySet().toString());
        pieces.values().forEach(p -> assertTrue(p.length <= 2_500 || ResultChunks.read(p).size() == 1, "piece of " + p.length + " bytes"));
        List<Long> seqs = pieces.values().stream().flatMap(p -> ResultChunks.read(p).stream()).map(TaskResult::seq).toList();
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), seqs, "every result once, in order");
        assertEquals(pieces.keySet(), ResultChunks.pieces("m1", lines, 2_500).keySet(), "a repeat splits alike");
        assertTrue(pieces.keySet().stream().allMatch(k -> k.startsWith("m1/")), pieces.keySet().toString());
    }

    /** Lines of every size about the deflater's blocks (64 KiB), non-ASCII text among them. */
    @Test
    void aChunkHoldsItsLinesAsOneJsonArrayWhateverTheirSizes() throws IOException {
        Random random = new Random(7);
        List<String> lines = new ArrayList<>();
        for (int size : new int[] {10, 65_533, 65_534, 65_535, 65_536, 200_000, 1, 30_000, 35_534, 35_535, 70_000, 3}) {
            StringBuilder line = new StringBuilder("\"");
            while (line.length() < size) {
                line.append(random.nextInt(50) == 0 ? "é€" : String.valueOf((char) ('a' + random.nextInt(26))));
            }
            lines.add(line.append('"').toString());
        }
        for (int from = 0; from < lines.size(); from++) {
            List<String> some = lines.subList(from, lines.size());
            assertEquals("[" + String.join(",", some) + "]", gunzip(ResultChunks.gzip(some)));
        }
        assertEquals("[]", gunzip(ResultChunks.gzip(List.of())));
        assertEquals(List.of(), ResultChunks.read(ResultChunks.gzip(List.of())));
    }

    static String gunzip(byte[] gzipped) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
