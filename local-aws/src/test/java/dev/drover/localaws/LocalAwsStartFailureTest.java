package dev.drover.localaws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A broken set-up fails fast, says why, and leaves nothing running. */
class LocalAwsStartFailureTest {

    @Test
    void missingEmulatorsAreReportedWithHowToBuildThem(@TempDir Path empty) {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> LocalAws.start(LocalAwsOptions.defaults(empty)));
        assertTrue(e.getMessage().contains("mvn -pl local-aws"), e.getMessage());
        assertTrue(e.getMessage().contains("Node.js and npm"), e.getMessage());
    }

    @Test
    void anEmulatorThatDiesIsReportedWithTheTailOfItsLogAndTheOthersAreStopped(@TempDir Path dir) throws Exception {
        Path emulators = dir.resolve("emulators");
        for (String folder : new String[] {"elasticmq", "s3proxy"}) {
            Files.createDirectories(emulators.resolve(folder)); // no jars: every main class is missing
        }
        Path dynoxide = LocalAws.dynoxideExecutable(emulators);
        Files.createDirectories(dynoxide.getParent());
        Files.writeString(dynoxide, "not a program");
        Set<Long> before = childPids();

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> LocalAws.start(LocalAwsOptions.defaults(emulators).withDataDir(dir.resolve("data"))));

        assertTrue(e.getMessage().contains("elasticmq exited"), e.getMessage());
        assertTrue(e.getMessage().contains("ClassNotFoundException: org.elasticmq.server.Main"), e.getMessage());
        assertEquals(before, childPids());
    }

    private static Set<Long> childPids() {
        return ProcessHandle.current().children().filter(ProcessHandle::isAlive).map(ProcessHandle::pid)
                .collect(Collectors.toSet());
    }
}
