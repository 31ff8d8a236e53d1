package dev.drover.cli;

import dev.drover.scheduler.secrets.FileTokenSink;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import dev.drover.core.AtomicFile;

/**
 * What a client keeps for one scheduler service, the way kubeconfig keeps contexts: its admin token
 * and, when it serves HTTPS, its certificate's fingerprint, in {@code ~/.drover/services/HOST_PORT/}.
 * A scheduler writes them for its own address, so a second scheduler never overwrites the first
 * one's, and {@code drover submit -s HOST:PORT} finds the right ones without being told.
 *
 * <p>Keyed by address (a scheduler reports no id of its own yet): the loopback names (localhost,
 * 127.0.0.1, ::1) count as one host, other host names as they are written, in lower case.
 */
record ServiceCredentials(Path dir) {
    static final String TOKEN = "token";
    static final String FINGERPRINT = "tls-fingerprint";
    private static final String LOOPBACK = "127.0.0.1";

    /** The service a client reaches at {@code address}: HOST:PORT, http://HOST:PORT or https://HOST:PORT. */
    static ServiceCredentials of(ClientEnvironment env, String address) {
        URI uri = URI.create(address.contains("://") ? address : "http://" + address);
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("not a scheduler address (HOST:PORT): " + address);
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
        return at(env, uri.getHost(), port);
    }

    /** Where a scheduler bound to {@code bind} on {@code port} keeps its clients' credentials: one per name it answers to. */
    static List<ServiceCredentials> served(ClientEnvironment env, String bind, int port) {
        List<ServiceCredentials> all = new ArrayList<>(List.of(at(env, bind, port)));
        if (isWildcard(bind)) {
            try {
                all.add(at(env, InetAddress.getLocalHost().getHostName(), port));
            } catch (UnknownHostException e) {
                // loopback only
            }
        }
        return all;
    }

    private static ServiceCredentials at(ClientEnvironment env, String host, int port) {
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        String name = isWildcard(h) || isLoopback(h) ? LOOPBACK : h.toLowerCase(Locale.ROOT);
        return new ServiceCredentials(env.home().resolve(".drover").resolve("services")
                .resolve(name.replaceAll("[^a-z0-9.-]", "-") + "_" + port));
    }

    Path tokenFile() {
        return dir.resolve(TOKEN);
    }

    Optional<String> token() throws IOException {
        return read(tokenFile());
    }

    Optional<String> fingerprint() throws IOException {
        return read(dir.resolve(FINGERPRINT));
    }

    /** Writes the fingerprint, or removes a stale one when the service now talks plain HTTP. */
    void storeFingerprint(Optional<String> fingerprint) throws IOException {
        Path file = dir.resolve(FINGERPRINT);
        if (fingerprint.isPresent()) {
            Files.createDirectories(dir);
            AtomicFile.write(file, fingerprint.get() + "\n", "rw-r--r--");
        } else {
            Files.deleteIfExists(file);
        }
    }

    String storeToken(String token) throws IOException {
        return new FileTokenSink(tokenFile()).store(token);
    }

    private static Optional<String> read(Path file) throws IOException {
        if (!Files.isReadable(file)) {
            return Optional.empty();
        }
        String t = Files.readString(file, StandardCharsets.UTF_8).trim();
        return t.isEmpty() ? Optional.empty() : Optional.of(t);
    }

    private static boolean isWildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0");
    }

    private static boolean isLoopback(String host) {
        return host.equalsIgnoreCase("localhost") || host.startsWith("127.") || host.equals("::1")
                || host.equals("0:0:0:0:0:0:0:1");
    }
}
