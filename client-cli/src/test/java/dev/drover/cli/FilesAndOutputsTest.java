package dev.drover.cli;

import dev.drover.service.SchedulerService;
import dev.drover.service.ServiceOptions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.core.codec.Json;
import dev.drover.core.files.FilesPack;
import dev.drover.scheduler.Scheduler;
import dev.drover.scheduler.auth.Accounts;
import dev.drover.scheduler.api.HttpApi;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --files and --download through a real scheduler over HTTP, on the in-JVM pool. */
class FilesAndOutputsTest {
    /** This test's scheduler users: one admin, in memory. */
    static final Accounts.Local ACCESS = Accounts.local(Clock.systemUTC());
    static final Path HOME = Path.of(System.getProperty("java.io.tmpdir"), "drover-test-home-" + ProcessHandle.current().pid());

    @TempDir
    static Path dir;
    static SchedulerService service;
    static Scheduler scheduler;
    static HttpApi api;
    static String address;

    @BeforeAll
    static void start() throws Exception {
        service = SchedulerService.start(ServiceOptions.of(dir.resolve("data"), Clock.systemUTC(), new ServiceOptions.InJvmPool(3)));
        scheduler = service.scheduler();
        api = new HttpApi(scheduler, "127.0.0.1", 0, Map::of, ACCESS.accounts()).start();
        address = "127.0.0.1:" + api.port();
    }

    @AfterAll
    static void stop() {
        api.close();
        service.close();
    }

    static CliEndToEndTest.Run drover(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        // the admin's token from $DROVER_TOKEN, and a home of the test's own
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err),
                new ClientEnvironment(Map.of(TokenFile.VARIABLE, ACCESS.adminToken()), HOME));
        return new CliEndToEndTest.Run(code, out.toString(), err.toString());
    }

    static Path project() throws Exception {
        Path p = dir.resolve("project");
        if (Files.exists(p)) {
            return p;
        }
        Files.createDirectories(p.resolve("data"));
        Files.writeString(p.resolve("data/in.txt"), "original\n");
        Files.writeString(p.resolve("run.sh"), String.join("\n",
                "cat data/in.txt",
                "echo changed > data/in.txt",          // a task changes its copy: no other task sees it
                "mkdir -p \"$DROVER_OUTPUT_DIR/sub\"",
                "printf 'replica %s of %s\\n' \"$DROVER_REPLICA\" \"$DROVER_JOB_ID\" > \"$DROVER_OUTPUT_DIR/sub/r.txt\"",
                "head -c 100000 /dev/zero | tr '\\0' x > \"$DROVER_OUTPUT_DIR/big.bin\"",
                "test \"$DROVER_REPLICA\" != 2", ""));
        return p;
    }

    private static int jobs() throws Exception {
        return scheduler.list().size();
    }

    @Test
    void tasksStartInACopyOfTheFilesAndTheirOutputsAreDownloadedResumably() throws Exception {
        Path w = Files.writeString(dir.resolve("w.txt"), "@replicas 4\nsh run.sh\n");
        Path out = dir.resolve("out");
        Path json = dir.resolve("s.json");
        Path results = dir.resolve("r.jsonl");
        CliEndToEndTest.Run run = drover("submit", "-s", address, "-w", w.toString(), "--files", project().toString(),
                "--wait", "--download", out.toString(), "--json", json.toString(), "--results", results.toString());
        assertEquals(1, run.code(), "replica 2 fails on purpose, and still uploads its outputs: " + run.out() + run.err());
        assertTrue(run.err().contains("uploaded"), run.err());
        JsonNode summary = Json.MAPPER.readTree(json.toFile());
        String jobId = summary.get("jobId").asText();
        assertEquals(true, summary.get("filesUploaded").asBoolean());
        assertEquals(8, summary.get("outputsDownloaded").asInt());
        List<JsonNode> lines = CliEndToEndTest.lines(results);
        assertEquals(4, lines.size());
        for (JsonNode r : lines) {
            assertEquals("original\n", r.get("stdout").asText(), "each task starts in a fresh copy: " + r);
            assertEquals(2, r.get("outputs").size(), r.toString());
            long seq = r.get("seq").asLong();
            int replica = r.get("replica").asInt();
            assertEquals("replica " + replica + " of " + jobId + "\n", Files.readString(out.resolve(seq + "/sub/r.txt")));
            assertEquals(100_000, Files.size(out.resolve(seq + "/big.bin")));
            for (JsonNode f : r.get("outputs")) {
                Path local = out.resolve(seq + "/" + f.get("path").asText());
                assertEquals(f.get("bytes").asLong(), Files.size(local));
                assertEquals(f.get("sha256").asText(), FilesPack.sha256(local));
            }
        }
        assertEquals(1, service.pool().orElseThrow().filesCache().fetches(), "the pool fetched the pack once for its 4 tasks");

        // resumable: everything intact is skipped; a damaged file and a missing one are fetched again
        Files.writeString(out.resolve("0/sub/r.txt"), "damaged");
        Files.delete(out.resolve("1/big.bin"));
        CliEndToEndTest.Run again = drover("results", "-s", address, jobId, "--download", out.toString());
        assertEquals(0, again.code(), again.err());
        assertTrue(again.err().contains("8 output files, 2 downloaded (" + (100_000 + ("replica 0 of " + jobId + "\n").length())
                + " bytes), 6 already there and intact"), again.err());
        assertEquals("replica 0 of " + jobId + "\n", Files.readString(out.resolve("0/sub/r.txt")));

        // the same files again: not uploaded, not fetched again by the pool
        CliEndToEndTest.Run second = drover("submit", "-s", address, "-w", w.toString(), "--files", project().toString(),
                "--wait", "--json", json.toString());
        assertTrue(second.err().contains("already in the store, not uploaded again"), second.err());
        assertEquals(false, Json.MAPPER.readTree(json.toFile()).get("filesUploaded").asBoolean());
        assertEquals(1, service.pool().orElseThrow().filesCache().fetches());
    }

    @Test
    void aWholeStdoutAndStderrOverTheInlineCapAreKeptAndDownloaded() throws Exception {
        // 1,000,000 bytes on stdout, 70,000 on stderr: both over the 64 KiB kept inline; a small task beside
        Path w = Files.writeString(dir.resolve("loud.txt"), String.join("\n",
                "yes abcdefghi | head -c 1000000; yes E | head -c 70000 >&2", "echo small", ""));
        Path out = dir.resolve("loud-out");
        Path results = dir.resolve("loud.jsonl");
        Path json = dir.resolve("loud.json");
        CliEndToEndTest.Run run = drover("submit", "-s", address, "-w", w.toString(), "--wait", "--download", out.toString(),
                "--results", results.toString(), "--json", json.toString());
        assertEquals(0, run.code(), run.out() + run.err());
        List<JsonNode> lines = CliEndToEndTest.lines(results);
        JsonNode loud = lines.stream().filter(r -> r.get("line").asInt() == 1).findFirst().orElseThrow();
        JsonNode small = lines.stream().filter(r -> r.get("line").asInt() == 2).findFirst().orElseThrow();
        assertTrue(loud.get("stdoutTruncated").asBoolean());
        assertEquals(64 * 1024, loud.get("stdout").asText().length(), "the inline head stays as it was");
        assertEquals(".drover/stdout", loud.get("stdoutObject").get("path").asText());
        assertEquals(1_000_000, loud.get("stdoutObject").get("bytes").asLong());
        assertEquals(70_000, loud.get("stderrObject").get("bytes").asLong());
        assertEquals(0, loud.get("outputs").size(), "outputs stay what the task wrote to $DROVER_OUTPUT_DIR");
        assertFalse(small.has("stdoutObject"), "a whole inline stdout is not kept again: " + small);
        assertFalse(small.has("stderrObject"), small.toString());

        byte[] expected = "abcdefghi\n".repeat(100_000).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Path stdout = out.resolve(loud.get("seq").asLong() + "/.drover/stdout");
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, Files.readAllBytes(stdout), "all 1 MB, byte for byte");
        assertEquals(loud.get("stdoutObject").get("sha256").asText(), FilesPack.sha256(stdout));
        assertEquals("E\n".repeat(35_000), Files.readString(out.resolve(loud.get("seq").asLong() + "/.drover/stderr")));
        assertEquals(2, Json.MAPPER.readTree(json.toFile()).get("outputsDownloaded").asInt());

        CliEndToEndTest.Run again = drover("results", "-s", address, Json.MAPPER.readTree(json.toFile()).get("jobId").asText(),
                "--download", out.toString());
        assertEquals(0, again.code(), again.err());
        assertTrue(again.err().contains("2 output files, 0 downloaded (0 bytes), 2 already there and intact"), again.err());
    }

    /** Issue 19: a backslash in an output's name was turned into a slash ({@code ..\\..\\x} stored as {@code ../../x}). */
    @Test
    void backslashesInOutputNamesAreKeptAndNeverLeaveTheDownloadFolder() throws Exception {
        Path w = Files.writeString(dir.resolve("slashes.txt"), "cd \"$DROVER_OUTPUT_DIR\"; mkdir a; echo slash > a/b; "
                + "printf back > 'a\\b'; printf up > '..\\..\\x'; printf pct > '100%'\n");
        Path out = dir.resolve("slashes-out");
        Path results = dir.resolve("slashes.jsonl");
        CliEndToEndTest.Run run = drover("submit", "-s", address, "-w", w.toString(), "--wait", "--download", out.toString(),
                "--results", results.toString());
        assertEquals(0, run.code(), run.out() + run.err());
        JsonNode r = CliEndToEndTest.lines(results).get(0);
        List<String> paths = new java.util.ArrayList<>();
        r.get("outputs").forEach(o -> paths.add(o.get("path").asText()));
        assertEquals(List.of("..%5C..%5Cx", "100%25", "a%5Cb", "a/b"), paths.stream().sorted().toList(), r.toString());
        Path task = out.resolve(r.get("seq").asText());
        assertEquals("slash\n", Files.readString(task.resolve("a/b")));
        assertEquals("back", Files.readString(task.resolve("a\\b")));
        assertEquals("up", Files.readString(task.resolve("..\\..\\x")), "one name with backslashes, inside the folder");
        assertEquals("pct", Files.readString(task.resolve("100%")));
        assertFalse(Files.exists(dir.resolve("x")) || Files.exists(out.resolve("x")));
    }

    @Test
    void aTaskCannotOverwriteDroversOwnFilesFromItsOutputDirectory() throws Exception {
        Path w = Files.writeString(dir.resolve("sneaky.txt"),
                "mkdir -p \"$DROVER_OUTPUT_DIR/.drover\"; echo fake > \"$DROVER_OUTPUT_DIR/.drover/stdout\"; echo ok > \"$DROVER_OUTPUT_DIR/ok.txt\"\n");
        Path results = dir.resolve("sneaky.jsonl");
        CliEndToEndTest.Run run = drover("submit", "-s", address, "-w", w.toString(), "--wait", "--results", results.toString());
        assertEquals(0, run.code(), run.out() + run.err());
        JsonNode r = CliEndToEndTest.lines(results).get(0);
        assertEquals(1, r.get("outputs").size(), r.toString());
        assertEquals("ok.txt", r.get("outputs").get(0).get("path").asText());
    }

    @Test
    void runWithLocalPoolTakesFilesToo() throws Exception {
        Path w = Files.writeString(dir.resolve("cat.txt"), "cat data/in.txt\n");
        CliEndToEndTest.Run run = drover("run", "--local", "1", w.toString(), "--files", project().toString());
        assertEquals(0, run.code(), run.out() + run.err());
        assertTrue(run.out().contains("original"), run.out());
    }

    @Test
    void badFilesAreRefusedWithExitTwoAndNothingIsQueued() throws Exception {
        Path w = Files.writeString(dir.resolve("bad.txt"), "echo hi\n");
        int before = jobs();
        Path outside = Files.createDirectories(dir.resolve("escape"));
        Files.createSymbolicLink(outside.resolve("secrets"), Path.of("/etc"));
        Path plain = Files.writeString(dir.resolve("plain.txt"), "x");
        Path evil = dir.resolve("evil.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(evil))) {
            z.putNextEntry(new ZipEntry("../../evil.sh"));
            z.write('x');
        }
        Path chain = evilChain(dir.resolve("chain.tgz"));
        Object[][] cases = {
                {chain.toString(), "chain.tgz: x/" + dir.toString().substring(1) + "/planted: under the symlink x", "2GiB"},
                {dir.resolve("missing").toString(), "no such file or directory", "2GiB"},
                {plain.toString(), "neither a directory nor a .tar.gz, .tgz or .zip archive", "2GiB"},
                {outside.toString(), "escape: secrets: a symlink that points outside the pack (to /etc)", "2GiB"},
                {evil.toString(), "evil.zip: ../../evil.sh: a '..' in its path", "2GiB"},
                {project().toString(), "over the size limit of 10 bytes", "10"},
                {project().toString(), "bad --files-limit", "lots"}};
        for (Object[] c : cases) {
            CliEndToEndTest.Run run = drover("submit", "-s", address, "-w", w.toString(), "--files", (String) c[0],
                    "--files-limit", (String) c[2]);
            assertEquals(2, run.code(), c[0] + ": " + run.err());
            assertTrue(run.err().contains((String) c[1]), run.err());
            assertFalse(run.err().contains("Exception"), run.err());
            CliEndToEndTest.Run local = drover("run", "--local", "1", w.toString(), "--files", (String) c[0],
                    "--files-limit", (String) c[2]);
            assertEquals(2, local.code(), local.err());
            assertTrue(local.err().contains((String) c[1]), local.err());
        }
        assertEquals(before, jobs(), "nothing was queued");
        assertFalse(Files.exists(dir.resolve("planted")), "nothing was written outside the pack's folder");
    }

    /**
     * Issue 19's pack: {@code d -> .}, {@code x -> d/d/.../../..} (on disk {@code x -> /}), then a file under
     * {@code x} that would land in this test's folder.
     */
    static Path evilChain(Path file) throws Exception {
        try (var out = Files.newOutputStream(file);
             var tar = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(
                     new org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream(out))) {
            tar.setLongFileMode(org.apache.commons.compress.archivers.tar.TarArchiveOutputStream.LONGFILE_POSIX);
            String[][] links = {{"d", "."}, {"x", "d/".repeat(30) + "../".repeat(30)}};
            for (String[] l : links) {
                var e = new org.apache.commons.compress.archivers.tar.TarArchiveEntry(l[0],
                        org.apache.commons.compress.archivers.tar.TarConstants.LF_SYMLINK);
                e.setLinkName(l[1]);
                tar.putArchiveEntry(e);
                tar.closeArchiveEntry();
            }
            var planted = new org.apache.commons.compress.archivers.tar.TarArchiveEntry("x/" + dir.toString().substring(1) + "/planted");
            planted.setSize(1);
            tar.putArchiveEntry(planted);
            tar.write('p');
            tar.closeArchiveEntry();
        }
        return file;
    }

    @Test
    void theSchedulerRefusesAnEvilPackAtUploadAndKeepsNothing() throws Exception {
        Path pack = evilChain(dir.resolve("upload.tgz"));
        String sha = FilesPack.sha256(pack);
        SchedulerClient client = new SchedulerClient(address, ACCESS.adminToken());
        SchedulerClient.ApiException e = org.junit.jupiter.api.Assertions.assertThrows(SchedulerClient.ApiException.class,
                () -> client.putFiles(sha, pack));
        assertEquals(400, e.status);
        assertTrue(e.getMessage().contains("files pack " + sha + ": x/" + dir.toString().substring(1) + "/planted: under the symlink x"),
                e.getMessage());
        assertFalse(client.hasFiles(sha), "a refused pack is not kept");
        assertFalse(Files.exists(dir.resolve("planted")));
    }

    @Test
    void aJobNamingFilesTheStoreLacksIsRefused() throws Exception {
        SchedulerClient client = new SchedulerClient(address, ACCESS.adminToken());
        Path w = Files.writeString(dir.resolve("nofiles.txt"), "echo hi\n");
        SchedulerClient.ApiException e = org.junit.jupiter.api.Assertions.assertThrows(SchedulerClient.ApiException.class,
                () -> client.submit(w, "nofiles", "0".repeat(64)));
        assertEquals(400, e.status);
        assertTrue(e.getMessage().contains("no files pack"), e.getMessage());
    }

    @Test
    void sizesParse() {
        assertEquals(2L << 30, FilesOptions.parseSize("2GiB"));
        assertEquals(500L << 20, FilesOptions.parseSize("500M"));
        assertEquals(1234, FilesOptions.parseSize("1234"));
    }
}
