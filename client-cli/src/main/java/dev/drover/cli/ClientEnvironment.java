package dev.drover.cli;

import java.nio.file.Path;
import java.util.Map;

/**
 * What the commands take from outside: environment variables and the home directory. Read from
 * the process once, in {@link Main}; tests pass their own, so they never touch the real home.
 */
public record ClientEnvironment(Map<String, String> variables, Path home) {
    public static ClientEnvironment system() {
        return of(System.getenv(), System.getProperty("user.home"));
    }

    /**
     * {@code ~} is {@code $HOME} when set, as for git, the AWS CLI and kubectl; the account's home
     * from the password database ({@code user.home}) only when it is not.
     */
    public static ClientEnvironment of(Map<String, String> variables, String userHome) {
        String home = variables.get("HOME");
        return new ClientEnvironment(variables, Path.of(home != null && !home.isBlank() ? home : userHome));
    }

    /** {@code ~/.drover/token}: the admin's token, written by a scheduler's first start on this account. */
    public Path defaultTokenFile() {
        return home.resolve(".drover").resolve("token");
    }
}
