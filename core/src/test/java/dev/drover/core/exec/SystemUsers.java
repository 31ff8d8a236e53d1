package dev.drover.core.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A real system user for the task-user tests: made with useradd (skipped unless root with useradd and setpriv), removed after. */
final class SystemUsers {
    private SystemUsers() {
    }

    static TaskUser create(String name) throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to make a user");
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/useradd")) && TaskUser.setpriv().isPresent(),
                "needs useradd and setpriv");
        assertEquals(0, exec("/usr/sbin/useradd", "--system", "--user-group", "--no-create-home",
                "--shell", "/usr/sbin/nologin", name));
        return TaskUser.lookup(name);
    }

    static void remove(String name) throws Exception {
        exec("/usr/sbin/userdel", name);
    }

    private static int exec(String... command) throws Exception {
        Process p = new ProcessBuilder(command).inheritIO().start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return p.exitValue();
    }
}
