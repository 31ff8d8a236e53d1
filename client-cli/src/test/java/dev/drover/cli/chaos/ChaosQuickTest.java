package dev.drover.cli.chaos;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.codec.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness itself (counting, proxies) and the quick form of scenarios that today's code passes.
 * Tagged {@code chaos}, so a build can leave it out with {@code -DexcludedGroups=chaos}.
 */
@Tag("chaos")
class ChaosQuickTest {
    @TempDir
    Path dir;

    @Test
    void theLedgerCountsLostAndTwiceRunTasksAndWhichReRunsAKilledWorkerExplains() throws IOException {
        Path file = dir.resolve("ran.log");
        // t0 once; t1 twice, first on worker 100 (killed); t2 twice on 200 (alive); t3 never; x9 not expected
        Files.writeString(file, "t0 100 1\nt1 100 1\nt2 200 1\nt1 200 2\nt2 200 1\nx9 200 1\n");
        Ledger.Counts c = Ledger.count(new Ledger(file).runs(), Set.of("t0", "t1", "t2", "t3"), Set.of(100L));
        assertEquals(new Ledger.Counts(1, 2, 1), c);
    }

    @Test
    void theLedgerRecordsWhatATaskShellWrites() throws Exception {
        Ledger ledger = new Ledger(dir.resolve("ran.log"));
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", ledger.record("t7"));
        pb.environment().put("DROVER_ATTEMPT", "1"); // as the shell executor sets it
        Process p = pb.start();
        p.getOutputStream().close();
        assertEquals(0, p.waitFor());
        List<Ledger.Run> runs = ledger.runs();
        assertEquals(1, runs.size());
        assertEquals("t7", runs.get(0).tag());
        assertEquals(ProcessHandle.current().pid(), runs.get(0).workerPid(), "$PPID is the JVM that started the shell");
    }

    @Test
    void visibilityChangesAreRewrittenToZero() throws IOException {
        byte[] batch = "{\"QueueUrl\":\"q\",\"Entries\":[{\"Id\":\"a\",\"VisibilityTimeout\":30},{\"Id\":\"b\",\"VisibilityTimeout\":12}]}"
                .getBytes(StandardCharsets.UTF_8);
        var rewritten = Json.MAPPER.readTree(SqsTamperProxy.zeroVisibility(batch));
        assertEquals(0, rewritten.path("Entries").get(0).path("VisibilityTimeout").asInt());
        assertEquals(0, rewritten.path("Entries").get(1).path("VisibilityTimeout").asInt());
        var single = Json.MAPPER.readTree(SqsTamperProxy.zeroVisibility("{\"VisibilityTimeout\":30}".getBytes(StandardCharsets.UTF_8)));
        assertEquals(0, single.path("VisibilityTimeout").asInt());
    }

    @Test
    void theProxyForwardsStallsAndDrops() throws Exception {
        try (ServerSocket echo = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> {
                while (true) {
                    try (Socket s = echo.accept()) {
                        s.getInputStream().transferTo(s.getOutputStream());
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "chaos-test-echo");
            server.setDaemon(true);
            server.start();
            try (ChaosProxy proxy = new ChaosProxy("echo", echo.getLocalPort());
                 Socket client = new Socket("127.0.0.1", proxy.endpoint().getPort())) {
                client.setSoTimeout(1_000);
                OutputStream out = client.getOutputStream();
                InputStream in = client.getInputStream();
                out.write('a');
                assertEquals('a', in.read());
                proxy.mode(ChaosProxy.Mode.STALL);
                out.write('b');
                assertTrue(timesOut(in), "nothing moves while stalled");
                proxy.mode(ChaosProxy.Mode.FORWARD);
                assertEquals('b', in.read(), "held bytes flow again");
                proxy.mode(ChaosProxy.Mode.DROP);
                assertEquals(-1, in.read(), "an existing connection is closed");
                try (Socket refused = new Socket("127.0.0.1", proxy.endpoint().getPort())) {
                    refused.setSoTimeout(1_000);
                    assertEquals(-1, refused.getInputStream().read(), "a new connection is closed at once");
                }
            }
        }
    }

    @Test
    void quickScenariosThatTodaysCodePasses() throws Exception {
        List<String> names = List.of("worker-kill-fixed", "big-output");
        StringWriter progress = new StringWriter();
        try (ScenarioRunner runner = new ScenarioRunner(dir, true, new PrintWriter(progress))) {
            for (Scenario s : Scenarios.all(true).stream().filter(s -> names.contains(s.name())).toList()) {
                Outcome o = runner.run(s);
                assertTrue(o.ended(), o.toString());
                assertEquals(0, o.lost(), o.toString());
                assertEquals(o.runTwice(), o.runTwiceExplained(), "no unexplained re-run: " + o);
                assertEquals(0, o.resultsMissing(), o.toString());
                assertEquals(0, o.duplicateResults(), o.toString());
                assertTrue(o.met(), o.toString());
            }
        }
        List<String> leftovers = ProcessHandle.current().descendants()
                .filter(ProcessHandle::isAlive)
                .map(p -> p.info().commandLine().orElse(""))
                .filter(c -> c.contains("-Ddrover.role=")).toList();
        assertEquals(List.of(), leftovers, "every worker and scheduler process is gone");
    }

    /** run-stopped's SIGTERM and kill -9 cases are RunStoppedTest's. */
    @Test
    void awsGoneMeetsItsTarget() throws Exception {
        StringWriter progress = new StringWriter();
        try (ScenarioRunner runner = new ScenarioRunner(dir, true, new PrintWriter(progress))) {
            Scenario awsGone = Scenarios.all(true).stream().filter(s -> s.name().equals("aws-gone")).findFirst().orElseThrow();
            Outcome o = runner.run(awsGone);
            assertTrue(o.met(), o + "\n" + progress);
        }
    }

    private static boolean timesOut(InputStream in) throws IOException {
        try {
            in.read();
            return false;
        } catch (SocketTimeoutException e) {
            return true;
        }
    }

    @Test
    void aWorkloadLineRecordsItsTag() {
        Workload w = new Workload(2, 100, Workload.Flavor.POISON);
        String text = w.text(new Ledger(dir.resolve("ran.log")));
        assertEquals(3, text.lines().count(), text);
        assertTrue(text.contains(Workload.POISON_COMMAND));
        assertArrayEquals(new String[] {"t0", "t1"}, w.tags().toArray());
    }
}
