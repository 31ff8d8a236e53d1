package dev.drover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ~} is {@code $HOME}: a scheduler started with a HOME writes its token there, and a client with that HOME finds it. */
class HomeTest {
    @TempDir
    Path dir;

    @Test
    void homeIsTheHomeVariableWhenSetAndTheAccountsHomeOtherwise() {
        assertEquals(Path.of("/x"), ClientEnvironment.of(Map.of("HOME", "/x"), "/y").home());
        assertEquals(Path.of("/y"), ClientEnvironment.of(Map.of("HOME", " "), "/y").home());
        assertEquals(Path.of("/y"), ClientEnvironment.of(Map.of(), "/y").home());
    }

    @Test
    void aSchedulerWritesItsTokenUnderHomeAndAClientWithThatHomeSubmits() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Path workload = Files.writeString(dir.resolve("w.txt"), "echo hello\n");
        try (DroverProcess scheduler = DroverProcess.start(dir.resolve("scheduler.log"), Map.of("HOME", home.toString()),
                "scheduler", "-lw", "2", "-s", "0", "--data", dir.resolve("data").toString())) {
            String address = scheduler.awaitListening();
            assertTrue(Files.isRegularFile(home.resolve(".drover").resolve("token")), scheduler.output());

            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            // the account's home is elsewhere: only $HOME leads to the token
            int code = Main.run(new String[] {"submit", "-s", address, "-w", workload.toString(), "--wait", "-q"},
                    new PrintWriter(out), new PrintWriter(err),
                    ClientEnvironment.of(Map.of("HOME", home.toString()), dir.resolve("elsewhere").toString()));
            assertEquals(0, code, out + "\n" + err);
        }
    }
}
