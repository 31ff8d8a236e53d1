package dev.drover.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import dev.drover.scheduler.secrets.FileTokenSink;

/**
 * Where a client's token comes from, in this order: {@code --token-file FILE}, {@code $DROVER_TOKEN},
 * the token kept for the scheduler service it talks to ({@link ServiceCredentials}), and last
 * {@code ~/.drover/token}, which the first scheduler on an account also writes.
 */
public final class TokenFile {
    public static final String VARIABLE = "DROVER_TOKEN";

    private TokenFile() {}

    /** No token anywhere: a usage error (exit 2) that says how to get one. */
    static final class Missing extends IllegalArgumentException {
        Missing(ClientEnvironment env, ServiceCredentials service) {
            super("no token: pass --token-file FILE, set " + VARIABLE + ", or use " + service.tokenFile()
                    + " or " + env.defaultTokenFile() + " (a scheduler writes its admin's token there on its first start); "
                    + "an admin gives other users one with: drover users add NAME");
        }
    }

    static String resolve(Path tokenFile, ClientEnvironment env, ServiceCredentials service) throws IOException {
        if (tokenFile != null) {
            return read(tokenFile).orElseThrow(() -> new IllegalArgumentException("no token in " + tokenFile));
        }
        String variable = env.variables().get(VARIABLE);
        if (variable != null && !variable.isBlank()) {
            return variable.trim();
        }
        Optional<String> own = service.token();
        if (own.isPresent()) {
            return own.get();
        }
        Path home = env.defaultTokenFile();
        if (Files.isReadable(home)) {
            Optional<String> t = read(home);
            if (t.isPresent()) {
                return t.get();
            }
        }
        throw new Missing(env, service);
    }

    private static Optional<String> read(Path file) throws IOException {
        String t = Files.readString(file, StandardCharsets.UTF_8).trim();
        return t.isEmpty() ? Optional.empty() : Optional.of(t);
    }

    /** Writes a token readable by this account only: directory 0700, file 0600, moved into place atomically. */
    public static String write(Path file, String token) throws IOException {
        return new FileTokenSink(file).store(token);
    }
}
