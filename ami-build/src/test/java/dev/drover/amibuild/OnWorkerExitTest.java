package dev.drover.amibuild;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** on-worker-exit.sh powers off only after an idle exit (status 0), with a stand-in systemctl. */
class OnWorkerExitTest {
    @TempDir
    Path bin;
    Path calls;

    @BeforeEach
    void fakeSystemctl() throws IOException {
        calls = bin.resolve("calls");
        Path systemctl = bin.resolve("systemctl");
        Files.writeString(systemctl, "#!/bin/sh\necho \"$@\" >> '" + calls + "'\n");
        Files.setPosixFilePermissions(systemctl, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void anIdleExitPowersOff() throws IOException {
        assertEquals(0, exit("success", "exited", "0"));
        assertEquals(List.of("poweroff --no-block"), Files.readAllLines(calls));
    }

    @Test
    void aFailureASignalOrAStopByHandLeavesTheInstanceUp() {
        assertEquals(0, exit("exit-code", "exited", "1"));
        assertEquals(0, exit("signal", "killed", "KILL"));
        assertEquals(0, exit("success", "killed", "TERM"));
        assertEquals(0, exit("exec-condition", null, null));
        assertFalse(Files.exists(calls), "no poweroff");
    }

    int exit(String result, String code, String status) {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", bin + ":" + System.getenv("PATH"));
        env.put("SERVICE_RESULT", result);
        if (code != null) {
            env.put("EXIT_CODE", code);
            env.put("EXIT_STATUS", status);
        }
        return Shell.run(List.of("bash", "on-worker-exit.sh"), env).exitCode();
    }
}
