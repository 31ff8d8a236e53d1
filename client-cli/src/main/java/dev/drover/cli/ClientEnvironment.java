package dev.drover.cli;

import java.nio.file.Path;
import java.util.Map;

/**
 * What the commands take from outside: environment variables and the home directory. Read from
 * the process once, in {@link Main}; tests pass their own, so they never touch the real home.
 */
public record ClientEnvironment(Map<String, String> variables, Path home) {
    public static ClientEnvironment system() {
        return new ClientEnvironment(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /** {@code ~/.drover/token}: the admin's token, written by a scheduler's first start on this account. */
    public Path defaultTokenFile() {
        return home.resolve(".drover").resolve("token");
    }
}
