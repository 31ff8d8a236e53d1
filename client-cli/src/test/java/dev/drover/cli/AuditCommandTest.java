package dev.drover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.memory.InMemoryUserStore;
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

/** {@code drover audit} runs the slow-connection attack against a real scheduler, plain and over TLS, and it holds. */
class AuditCommandTest {
    @TempDir
    Path dir;

    @Test
    void theSlowConnectionAttackHoldsOverPlainHttpAndTls() throws Exception {
        Clock clock = Clock.systemUTC();
        TlsIdentity identity = SelfSigned.generate(clock);
        try (InJvmFleet fleet = new InJvmFleet(1, clock);
             Scheduler scheduler = new Scheduler(fleet.schedulerConfig(dir.resolve("data")), fleet.backend(), clock).start()) {
            Accounts accounts = new Accounts(new InMemoryUserStore(dir.resolve("users.json")), clock);
            try (HttpApi plain = new HttpApi(scheduler, "127.0.0.1", 0, Map::of, accounts).start();
                 HttpApi tls = new HttpApi(scheduler, "127.0.0.1", 0, Map::of, accounts, HttpApi.Limits.defaults(),
                         Transport.tls(identity)).start()) {
                String[] plainRun = run("audit", "-s", "http://127.0.0.1:" + plain.port(), "--connections", "40", "--hold", "8");
                assertEquals("0", plainRun[0], plainRun[1] + plainRun[2]);
                assertTrue(plainRun[1].contains("slow connections (plain HTTP): 40 stalled; /health answered 200")
                        && plainRun[1].contains("closed 40 of 40") && plainRun[1].contains("PASS"), plainRun[1]);
                String[] tlsRun = run("audit", "-s", "127.0.0.1:" + tls.port(), "--tls-fingerprint", identity.fingerprint().hex(),
                        "--connections", "40", "--hold", "8");
                assertEquals("0", tlsRun[0], tlsRun[1] + tlsRun[2]);
                assertTrue(tlsRun[1].contains("slow connections (TLS)") && tlsRun[1].contains("PASS"), tlsRun[1]);
            }
        }
    }

    static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err), ClientEnvironment.system());
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }
}
