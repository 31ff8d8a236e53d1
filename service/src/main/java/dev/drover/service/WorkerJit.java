package dev.drover.service;

import dev.drover.core.AtomicFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JIT flags of local worker processes: C1 for everything except the JDK's message digests.
 *
 * <p>Local workers share a laptop's cores with the emulators and the scheduler, and C2 compiling the
 * SDK's paths anew in each worker costs more than it saves (on 2 cores, 16 threads of 10 ms tasks:
 * 65-77 % efficiency with C2, 76-89 % with C1). But only C2 has the SHA-256 intrinsic: under C1 the
 * hash of each output costs 7.3 ms a MB, with it 0.6 ms. So C2 may compile the digest classes and
 * nothing else, by a compiler directive. A method C2 may not compile still runs C1's profiled code
 * first and is compiled at C1's full speed only when it would go to C2: the low tier-4 thresholds make
 * that soon (with the defaults, 10,000 x {@code sleep 0} on 4x4 local threads ran at 14,000 tasks/s,
 * against 21,000 C1 only and 18,000 with these).
 */
public final class WorkerJit {
    private static final Logger log = LoggerFactory.getLogger(WorkerJit.class);
    static final String C1_ONLY = "-XX:TieredStopAtLevel=1";
    static final String DIRECTIVES = """
            [
              { match: ["sun/security/provider/SHA2.*", "sun/security/provider/DigestBase.*"], c2: { Exclude: false } },
              { match: "*.*", c2: { Exclude: true } }
            ]
            """;

    private WorkerJit() {
    }

    /**
     * The JVM flags, with the directives written to {@code dir} (which this user owns: the JVM trusts
     * the file); C1 only if the file cannot be written there, as before the directives.
     */
    public static List<String> flags(Path dir) {
        Path file = dir.resolve("worker-jit.json");
        try {
            Files.createDirectories(dir);
            AtomicFile.write(file, DIRECTIVES, "rw-r--r--");
        } catch (IOException e) {
            log.warn("could not write the workers' JIT directives to {} ({}): local workers run C1 only", file, e.toString());
            return List.of(C1_ONLY);
        }
        return List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:CompilerDirectivesFile=" + file.toAbsolutePath(),
                "-XX:Tier4InvocationThreshold=100", "-XX:Tier4MinInvocationThreshold=50", "-XX:Tier4CompileThreshold=150",
                "-XX:Tier4BackEdgeThreshold=1000");
    }
}
