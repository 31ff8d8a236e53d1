package dev.drover.cli;

import dev.drover.core.AtomicFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The JIT flags of local worker processes: C1 for everything except the JDK's message digests.
 *
 * <p>Local workers share a laptop's cores with the emulators and the scheduler, and C2 compiling the
 * SDK's paths anew in each worker costs more than it saves (on 2 cores, 16 threads of 10 ms tasks:
 * 65-77 % efficiency with C2, 76-89 % with C1). But only C2 has the SHA-256 intrinsic: under C1 the
 * hash of each output costs 7.3 ms a MB, with it 0.6 ms. So C2 may compile the digest classes and
 * nothing else, by a compiler directive (methods C2 may not compile end at C1's full speed).
 */
final class WorkerJit {
    static final String DIRECTIVES = """
            [
              { match: ["sun/security/provider/SHA2.*", "sun/security/provider/DigestBase.*"], c2: { Exclude: false } },
              { match: "*.*", c2: { Exclude: true } }
            ]
            """;

    private WorkerJit() {
    }

    /** The JVM flags, with the directives written to {@code dir} (which this user owns: the JVM trusts the file). */
    static List<String> flags(Path dir) {
        Path file = dir.resolve("worker-jit.json");
        try {
            Files.createDirectories(dir);
            AtomicFile.write(file, DIRECTIVES, "rw-r--r--");
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the workers' JIT directives to " + file, e);
        }
        return List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:CompilerDirectivesFile=" + file.toAbsolutePath());
    }
}
