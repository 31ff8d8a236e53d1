package dev.drover.scheduler.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The log holds each appended line once, whole and in order, however its appends fall against the blocks they are written in. */
class ResultLogTest {
    @TempDir
    Path dir;

    @Test
    void linesOfEverySizeAndMultiByteCharactersComeBackAsAppended() throws IOException {
        Random random = new Random(11);
        List<String> all = new ArrayList<>();
        try (ResultLog log = new ResultLog(dir.resolve("results.jsonl"))) {
            // short and long appends, lines of a few bytes to past the 64 KiB block, and lines whose UTF-8 is longer than their text
            for (int append = 0; append < 40; append++) {
                List<String> lines = new ArrayList<>();
                int n = append % 5 == 0 ? 1 : 1 + random.nextInt(800);
                for (int i = 0; i < n; i++) {
                    int length = random.nextInt(200) == 0 ? 60_000 + random.nextInt(20_000) : random.nextInt(400);
                    String unit = random.nextBoolean() ? "x" : "\u00e9\u4e2d\ud83d\ude00";
                    lines.add("{\"seq\":" + all.size() + ",\"text\":\"" + unit.repeat(length / unit.length()) + "\"}");
                    all.add(lines.get(i));
                }
                log.append(lines);
            }
            log.append(List.of());
            ByteArrayOutputStream copy = new ByteArrayOutputStream();
            log.copyTo(copy, () -> true);
            String expected = String.join("\n", all) + "\n";
            assertEquals(expected, copy.toString(StandardCharsets.UTF_8));
            assertEquals(expected, Files.readString(dir.resolve("results.jsonl")));
        }
    }
}
