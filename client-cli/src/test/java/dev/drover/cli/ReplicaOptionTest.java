package dev.drover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --replica} is refused clearly where it cannot work, before anything starts. */
class ReplicaOptionTest {
    @TempDir
    Path dir;

    int run(StringWriter err, String... args) {
        return Main.run(args, new PrintWriter(new StringWriter()), new PrintWriter(err),
                new ClientEnvironment(Map.of(), dir));
    }

    @Test
    void aReplicaOfTheInJvmPoolIsRefused() {
        StringWriter err = new StringWriter();
        assertEquals(2, run(err, "scheduler", "-lw", "1", "--replica", "-s", "0", "--data", dir.toString()));
        assertTrue(err.toString().contains("--replica needs -rw"), err.toString());
    }

    @Test
    void aLeaseTooShortForTwoHeartbeatsIsRefused() {
        StringWriter err = new StringWriter();
        assertEquals(2, run(err, "scheduler", "-rw", "--replica", "--replica-lease", "0s", "-s", "0", "--data", dir.toString()));
        assertTrue(err.toString().contains("--replica-lease"), err.toString());
    }
}
