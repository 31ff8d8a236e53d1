package dev.drover.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.core.codec.Json;
import dev.drover.core.files.FilesPack;
import dev.drover.localaws.ProcessFleetLauncher;
import dev.drover.service.SchedulerService;
import dev.drover.scheduler.auth.Accounts;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The examples end to end on local AWS (ElasticMQ, dynoxide, s3proxy) with worker processes:
 * files in through S3, outputs out through S3, downloaded and checked byte for byte.
 */
class ExamplesOnLocalAwsTest {
    /** This test's scheduler users: one admin, in memory. */
    static final Accounts.Local ACCESS = Accounts.local(Clock.systemUTC());
    static final Path HOME = Path.of(System.getProperty("java.io.tmpdir"), "drover-test-home-" + ProcessHandle.current().pid());

    static final Path EXAMPLES = Path.of("..", "examples").toAbsolutePath().normalize();
    @RegisterExtension
    static final LocalAwsStack stack = new LocalAwsStack();

    @TempDir
    Path dir;

    static CliEndToEndTest.Run drover(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        // the admin's token from $DROVER_TOKEN, and a home of the test's own
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err),
                new ClientEnvironment(Map.of(TokenFile.VARIABLE, ACCESS.adminToken()), HOME));
        return new CliEndToEndTest.Run(code, out.toString(), err.toString());
    }

    static boolean has(String command) throws Exception {
        try {
            Process p = new ProcessBuilder("/bin/sh", "-c", "command -v " + command).redirectErrorStream(true).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    ProcessFleetLauncher workers(int count, int threads) {
        return stack.workers(dir, count, threads, "60s", Map.of());
    }

    @Test
    void thePythonExampleRunsWithItsFilesAndItsOutputsComeBackByteForByte() throws Exception {
        assumeTrue(has("python3"), "python3 is not on this machine");
        Path example = EXAMPLES.resolve("python-data");
        Path out = dir.resolve("out");
        Path json = dir.resolve("summary.json");
        Path results = dir.resolve("results.jsonl");
        try (ProcessFleetLauncher fleet = workers(2, 4);
             SchedulerService service = stack.served(dir.resolve("scheduler"), 8, ACCESS.accounts())) {
            String address = "127.0.0.1:" + service.port();
            CliEndToEndTest.Run run = drover("submit", "-s", address, "-w", example.resolve("workload.txt").toString(),
                    "--files", example.toString(), "--wait", "-q", "--download", out.toString(),
                    "--json", json.toString(), "--results", results.toString());
            assertEquals(0, run.code(), run.out() + run.err());
            JsonNode summary = Json.MAPPER.readTree(json.toFile());
            assertEquals(50, summary.get("succeeded").asInt());
            assertEquals(50, summary.get("outputsDownloaded").asInt());
            assertEquals(true, summary.get("filesUploaded").asBoolean());

            // byte for byte: the same script on the same data, run here
            Path expected = Files.createDirectories(dir.resolve("expected"));
            for (JsonNode r : CliEndToEndTest.lines(results)) {
                Path got = out.resolve(r.get("seq").asText()).resolve("summary-" + r.get("replica").asInt() + ".csv");
                assertTrue(Files.exists(got), "downloaded " + got);
                assertEquals(1, r.get("outputs").size());
                assertEquals(FilesPack.sha256(got), r.get("outputs").get(0).get("sha256").asText());
            }
            // the expected outputs, made in a scratch copy so the example directory stays clean
            Path copy = Files.createDirectories(dir.resolve("copy"));
            FilesPack.copyTree(example, copy);
            for (JsonNode r : CliEndToEndTest.lines(results)) {
                int part = r.get("replica").asInt();
                ProcessBuilder pb = new ProcessBuilder("python3", "summarize.py").directory(copy.toFile())
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
                pb.environment().put("DROVER_REPLICA", Integer.toString(part));
                pb.environment().put("DROVER_OUTPUT_DIR", expected.toString());
                assertEquals(0, pb.start().waitFor());
                assertArrayEquals(Files.readAllBytes(expected.resolve("summary-" + part + ".csv")),
                        Files.readAllBytes(out.resolve(r.get("seq").asText()).resolve("summary-" + part + ".csv")), "part " + part);
            }

            // each worker fetched the files once, not once a task
            long fetches = 0;
            try (Stream<Path> logs = Files.list(dir.resolve("workers"))) {
                for (Path log : logs.toList()) {
                    fetches += Files.readAllLines(log).stream().filter(l -> l.contains("files cache: fetched")).count();
                }
            }
            assertTrue(fetches >= 1 && fetches <= 2, "2 workers, 50 tasks: " + fetches + " fetches");

            // the same files for a second job: one HeadObject, no upload
            SchedulerClient client = new SchedulerClient(address, ACCESS.adminToken());
            FilesPack.Pack pack = FilesPack.pack(example, FilesPack.DEFAULT_LIMIT, Files.createDirectories(dir.resolve("scratch")));
            long before = stack.aws.backend.meter().total().s3Requests();
            assertTrue(client.hasFiles(pack.sha256()));
            long after = stack.aws.backend.meter().total().s3Requests();
            assertEquals(1, after - before, "a second job with the same files costs one HeadObject and uploads nothing");
            CliEndToEndTest.Run second = drover("submit", "-s", address, "-w", example.resolve("workload.txt").toString(),
                    "--files", example.toString(), "--wait", "-q", "--json", json.toString());
            assertEquals(0, second.code(), second.err());
            assertEquals(false, Json.MAPPER.readTree(json.toFile()).get("filesUploaded").asBoolean());
            assertTrue(second.err().contains("already in the store, not uploaded again"), second.err());
        }
    }

    /** A 20 MB stdout goes to s3proxy whole (multipart: over 16 MiB) from a worker process, and comes back byte for byte. */
    @Test
    void aWholeStdoutOverTheInlineCapIsKeptInS3AndDownloaded() throws Exception {
        Path w = Files.writeString(dir.resolve("loud.txt"), "yes abcdefghi | head -c 20000000; yes E | head -c 70000 >&2\n");
        Path out = dir.resolve("loud-out");
        Path results = dir.resolve("loud.jsonl");
        try (ProcessFleetLauncher fleet = workers(1, 1);
             SchedulerService service = stack.served(dir.resolve("scheduler"), 1, ACCESS.accounts())) {
            String address = "127.0.0.1:" + service.port();
            CliEndToEndTest.Run run = drover("submit", "-s", address, "-w", w.toString(), "--wait", "-q",
                    "--download", out.toString(), "--results", results.toString());
            assertEquals(0, run.code(), run.out() + run.err());
            JsonNode r = CliEndToEndTest.lines(results).get(0);
            assertTrue(r.get("stdoutTruncated").asBoolean());
            assertEquals(20_000_000, r.get("stdoutObject").get("bytes").asLong());
            Path stdout = out.resolve(r.get("seq").asText()).resolve(".drover/stdout");
            assertEquals(20_000_000, Files.size(stdout));
            assertEquals(r.get("stdoutObject").get("sha256").asText(), FilesPack.sha256(stdout));
            byte[] expected = "abcdefghi\n".repeat(2_000_000).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            org.junit.jupiter.api.Assertions.assertArrayEquals(expected, Files.readAllBytes(stdout));
            assertEquals("E\n".repeat(35_000), Files.readString(out.resolve(r.get("seq").asText()).resolve(".drover/stderr")));
        }
    }

    @Test
    void theMakefileTarballRunsMakeRunAsReplicas() throws Exception {
        assumeTrue(has("make"), "make is not on this machine");
        Path app = EXAMPLES.resolve("make-tarball/app");
        Path tgz = dir.resolve("app.tgz");
        Process tar = new ProcessBuilder("tar", "-czf", tgz.toString(), "-C", app.toString(), ".").inheritIO().start();
        assertEquals(0, tar.waitFor());
        Path out = dir.resolve("out");
        try (ProcessFleetLauncher fleet = workers(1, 2);
             SchedulerService service = stack.served(dir.resolve("scheduler"), 2, ACCESS.accounts())) {
            Path results = dir.resolve("r.jsonl");
            CliEndToEndTest.Run run = drover("submit", "-s", "127.0.0.1:" + service.port(), "-w",
                    EXAMPLES.resolve("make-tarball/workload.txt").toString(), "--files", tgz.toString(), "--wait",
                    "--download", out.toString(), "--results", results.toString());
            assertEquals(0, run.code(), run.out() + run.err());
            List<JsonNode> lines = CliEndToEndTest.lines(results);
            assertEquals(3, lines.size());
            for (JsonNode r : lines) {
                int replica = r.get("replica").asInt();
                int n = (replica + 1) * 100;
                assertEquals("hello from make: replica " + replica + "\nsum 1.." + n + " = " + (n * (n + 1) / 2) + "\n",
                        Files.readString(out.resolve(r.get("seq").asText()).resolve("report-" + replica + ".txt")));
            }
        }
    }
}
