package dev.drover.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local workers' JIT flags start this Java, which reads both directives; without a place for the file, C1 only. */
class WorkerJitTest {
    @TempDir
    Path dir;

    @Test
    void theFlagsStartAJvmThatAddsTheDirectives() throws Exception {
        List<String> flags = WorkerJit.flags(dir.resolve("jit"));
        assertTrue(Files.isRegularFile(dir.resolve("jit/worker-jit.json")));
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(flags);
        cmd.add("-version");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        // a directive the JVM could not parse would fail the start; this line says it took both
        assertTrue(out.contains("2 compiler directives added"), out);
    }

    @Test
    void withoutAPlaceForTheFileTheWorkersRunC1Only() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("file"), "x");
        assertEquals(List.of(WorkerJit.C1_ONLY), WorkerJit.flags(notADirectory.resolve("jit")));
    }
}
