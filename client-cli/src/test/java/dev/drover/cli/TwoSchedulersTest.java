package dev.drover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One credential per scheduler service: a second scheduler on the same account keeps its token (and
 * TLS pin) beside the first one's instead of overwriting it, and each one's clients keep working.
 */
class TwoSchedulersTest {
    @TempDir
    Path dir;

    @Test
    void theAddressPicksTheServiceAndLoopbackNamesAreOneHost() {
        ClientEnvironment env = new ClientEnvironment(Map.of(), dir);
        Path loopback = ServiceCredentials.of(env, "127.0.0.1:7070").dir();
        assertEquals(dir.resolve(".drover/services/127.0.0.1_7070"), loopback);
        assertEquals(loopback, ServiceCredentials.of(env, "localhost:7070").dir());
        assertEquals(loopback, ServiceCredentials.of(env, "http://[::1]:7070").dir());
        assertEquals(loopback, ServiceCredentials.served(env, "0.0.0.0", 7070).get(0).dir());
        assertEquals(dir.resolve(".drover/services/sched.example.org_443"), ServiceCredentials.of(env, "https://Sched.Example.org").dir());
        assertNotEquals(loopback, ServiceCredentials.of(env, "127.0.0.1:7071").dir());
    }

    @Test
    void aSecondSchedulerDoesNotBreakTheFirstOnesClients() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Path workload = Files.writeString(dir.resolve("w.txt"), "echo hello\n");
        Map<String, String> env = Map.of("HOME", home.toString());
        try (DroverProcess first = DroverProcess.start(dir.resolve("first.log"), env,
                "scheduler", "-lw", "1", "-s", "0", "--data", dir.resolve("first").toString());
             DroverProcess second = DroverProcess.start(dir.resolve("second.log"), env,
                     "scheduler", "-lw", "1", "-s", "0", "--data", dir.resolve("second").toString(),
                     "--tls-self-signed", dir.resolve("second-tls").toString())) {
            String a = first.awaitListening();
            String b = second.awaitListening();
            ClientEnvironment client = ClientEnvironment.of(env, dir.resolve("elsewhere").toString());
            // neither token nor pin is given: each comes from what its scheduler kept under $HOME
            assertEquals(0, submit(client, a, workload), "the first scheduler's client");
            assertEquals(0, submit(client, b, workload), "the second scheduler's client, over HTTPS with its pin");
            assertNotEquals(ServiceCredentials.of(client, a).token(), ServiceCredentials.of(client, b).token());
            assertTrue(ServiceCredentials.of(client, b).fingerprint().isPresent());
            assertEquals(ServiceCredentials.of(client, a).token().orElseThrow(),
                    Files.readString(client.defaultTokenFile()).trim(), "~/.drover/token is the first scheduler's, not overwritten");
        }
    }

    static int submit(ClientEnvironment env, String address, Path workload) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"submit", "-s", address, "-w", workload.toString(), "--wait", "-q"},
                new PrintWriter(out), new PrintWriter(err), env);
        if (code != 0) {
            System.err.println(out + "\n" + err);
        }
        return code;
    }
}
