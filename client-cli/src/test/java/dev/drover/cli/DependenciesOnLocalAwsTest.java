package dev.drover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.core.codec.Json;
import dev.drover.core.model.TaskStatus;
import dev.drover.service.SchedulerService;
import dev.drover.core.files.FilesPack;
import dev.drover.localaws.ProcessFleetLauncher;
import dev.drover.scheduler.Scheduler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The map-reduce example (prep, then 20 maps reading prep's output, then a reduce summing theirs)
 * on local AWS with worker processes: outputs flow down through S3, and a scheduler stopped
 * between stages and started again finishes the job with every task run once.
 */
class DependenciesOnLocalAwsTest {
    static final Path EXAMPLE = Path.of("..", "examples", "map-reduce").toAbsolutePath().normalize();
    @RegisterExtension
    static final LocalAwsStack stack = new LocalAwsStack();

    @TempDir
    Path dir;

    @Test
    void threeStagesOutputsFlowDownAndARestartBetweenStagesRunsNothingTwice() throws Exception {
        // each task leaves a mark per run in a directory the test reads (the workers are processes on this machine)
        Path marks = Files.createDirectories(dir.resolve("marks"));
        Path files = Files.createDirectories(dir.resolve("files"));
        FilesPack.copyTree(EXAMPLE, files);
        Path workload = Files.writeString(dir.resolve("w.txt"), Files.readString(EXAMPLE.resolve("workload.txt"))
                .replace("sh ", "echo >> " + marks + "/$(echo $DROVER_TASK_ID | tr / -); sh "));
        Path out = dir.resolve("out");
        Path results = dir.resolve("results.jsonl");
        String jobId;
        try (ProcessFleetLauncher fleet = stack.workers(dir, 2, 4, "60s", Map.of())) {
            try (SchedulerService service = stack.served(dir.resolve("scheduler"), 8, ExamplesOnLocalAwsTest.ACCESS.accounts())) {
                Scheduler first = service.scheduler();
                CliEndToEndTest.Run run = ExamplesOnLocalAwsTest.drover("submit", "-s", "127.0.0.1:" + service.port(),
                        "-w", workload.toString(), "--files", files.toString());
                assertEquals(0, run.code(), run.out() + run.err());
                jobId = run.out().strip();
                // stop it once prep has succeeded: between stages
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (first.task(jobId, 0).orElseThrow().status() != TaskStatus.SUCCEEDED) {
                    assertTrue(System.nanoTime() < deadline, "prep did not succeed");
                    Thread.sleep(20);
                }
            }
            try (SchedulerService service = stack.served(dir.resolve("scheduler"), 8, ExamplesOnLocalAwsTest.ACCESS.accounts())) {
                Scheduler second = service.scheduler();
                second.awaitDone(jobId);
                CliEndToEndTest.Run got = ExamplesOnLocalAwsTest.drover("results", "-s", "127.0.0.1:" + service.port(), jobId,
                        "--download", out.toString());
                assertEquals(0, got.code(), got.out() + got.err());
                CliEndToEndTest.Run lines = ExamplesOnLocalAwsTest.drover("results", "-s", "127.0.0.1:" + service.port(), jobId);
                assertEquals(0, lines.code(), lines.err());
                Files.writeString(results, lines.out());
                CliEndToEndTest.Run status = ExamplesOnLocalAwsTest.drover("status", "-s", "127.0.0.1:" + service.port(), jobId, "--json");
                JsonNode stages = Json.MAPPER.readTree(status.out()).get("stages");
                CliEndToEndTest.Run readable = ExamplesOnLocalAwsTest.drover("status", "-s", "127.0.0.1:" + service.port(), jobId);
                assertTrue(readable.out().contains("stage     line 10 (map): 20 of 20 succeeded; waits on prep"), readable.out());
                assertEquals("prep", stages.get(0).get("name").asText(), status.out());
                assertEquals(20, stages.get(1).get("succeeded").asInt(), status.out());
            }
        }
        List<JsonNode> lines = CliEndToEndTest.lines(results);
        assertEquals(22, lines.size());
        lines.forEach(r -> assertEquals("SUCCEEDED", r.get("status").asText(), r.toString()));
        JsonNode reduce = lines.stream().filter(r -> r.get("seq").asInt() == 21).findFirst().orElseThrow();
        assertEquals("2190\n", reduce.get("stdout").asText(), "100 + 101 + … + 119");
        assertEquals("2190\n", Files.readString(out.resolve("21/sum")));
        assertEquals("100\n", Files.readString(out.resolve("0/base")));
        try (Stream<Path> m = Files.list(marks)) {
            List<Path> all = m.toList();
            assertEquals(22, all.size(), "one run of each task: " + all);
            for (Path p : all) {
                assertEquals(1, Files.readAllLines(p).size(), p + " ran more than once");
            }
        }
    }
}
