package dev.drover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.memory.InMemoryUserStore;
import dev.drover.service.SchedulerService;
import dev.drover.service.ServiceOptions;
import dev.drover.scheduler.Scheduler;
import dev.drover.scheduler.api.HttpApi;
import dev.drover.scheduler.auth.Accounts;
import dev.drover.scheduler.tls.SelfSigned;
import dev.drover.scheduler.tls.TlsIdentity;
import dev.drover.scheduler.tls.Transport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code drover audit} runs the slow-connection attack against a real scheduler, plain and over TLS, and
 * the symlink-chain files pack with the user's token, and both hold; against a server that takes the
 * pack, the files attack fails and so does the audit.
 */
class AuditCommandTest {
    @TempDir
    Path dir;

    @Test
    void theSlowConnectionAttackHoldsOverPlainHttpAndTls() throws Exception {
        Clock clock = Clock.systemUTC();
        TlsIdentity identity = SelfSigned.generate(clock);
        try (SchedulerService service = SchedulerService.start(ServiceOptions.of(dir.resolve("data"), clock,
                new ServiceOptions.InJvmPool(1)))) {
            Scheduler scheduler = service.scheduler();
            Accounts accounts = new Accounts(new InMemoryUserStore(dir.resolve("users.json")), clock);
            try (HttpApi plain = new HttpApi(scheduler, "127.0.0.1", 0, Map::of, accounts).start();
                 HttpApi tls = new HttpApi(scheduler, "127.0.0.1", 0, Map::of, accounts, HttpApi.Limits.defaults(),
                         Transport.tls(identity)).start()) {
                Path token = java.nio.file.Files.writeString(dir.resolve("ann.token"), accounts.add("ann", false));
                String[] plainRun = run("audit", "-s", "http://127.0.0.1:" + plain.port(), "--connections", "40", "--hold", "8",
                        "--token-file", token.toString());
                assertEquals("0", plainRun[0], plainRun[1] + plainRun[2]);
                assertTrue(plainRun[1].contains("files pack escape (symlink chain, hard link out): PUT /files answered 400 (")
                        && plainRun[1].contains(FilesEscapeAttack.CHAIN_ENTRY + ": under the symlink d")
                        && plainRun[1].lines().filter(l -> l.startsWith("files pack escape")).allMatch(l -> l.endsWith(": PASS")),
                        plainRun[1]);
                assertTrue(scheduler.hasFiles(dev.drover.core.files.FilesPack.sha256(
                        new java.io.ByteArrayInputStream(FilesEscapeAttack.pack()))) == false, "the pack was not stored");
                assertTrue(plainRun[1].contains("slow connections (plain HTTP): 40 stalled; /health answered 200")
                        && plainRun[1].contains("closed 40 of 40") && plainRun[1].contains("PASS"), plainRun[1]);
                String[] tlsRun = run("audit", "-s", "127.0.0.1:" + tls.port(), "--tls-fingerprint", identity.fingerprint().hex(),
                        "--connections", "40", "--hold", "8");
                assertEquals("0", tlsRun[0], tlsRun[1] + tlsRun[2]);
                assertTrue(tlsRun[1].contains("slow connections (TLS)") && tlsRun[1].contains("PASS"), tlsRun[1]);
                assertTrue(tlsRun[1].contains("files pack escape: SKIPPED (no token"), "no token: the files attack is not run\n" + tlsRun[1]);
            }
        }
    }

    /** A server that stores whatever pack it is sent: the files attack fails, and the audit exits 1. */
    @Test
    void aServerThatTakesTheEscapePackFailsTheAudit() throws Exception {
        com.sun.net.httpserver.HttpServer taker = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        taker.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            byte[] body = "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            ex.sendResponseHeaders(ex.getRequestMethod().equals("PUT") ? 201 : 200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        taker.start();
        try {
            Path token = java.nio.file.Files.writeString(dir.resolve("token"), "any");
            String[] r = run("audit", "-s", "http://127.0.0.1:" + taker.getAddress().getPort(), "--connections", "1",
                    "--hold", "1", "--token-file", token.toString());
            assertEquals("1", r[0], r[1] + r[2]);
            assertTrue(r[1].contains("files pack escape (symlink chain, hard link out): PUT /files answered 201: FAIL"), r[1]);
        } finally {
            taker.stop(0);
        }
    }

    /** Runs drover with a home and environment of its own, so no token of the machine's is found. */
    String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err), new ClientEnvironment(Map.of(), dir.resolve("home")));
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }
}
