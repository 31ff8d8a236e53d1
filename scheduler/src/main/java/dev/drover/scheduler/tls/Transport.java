package dev.drover.scheduler.tls;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * How the API's server speaks: plain HTTP, or HTTPS presenting a {@link TlsIdentity}. The JDK's
 * {@link HttpsServer} is an {@link HttpServer}, so the API's handlers do not know which they run on.
 */
public final class Transport {
    private final Optional<TlsIdentity> identity;

    private Transport(Optional<TlsIdentity> identity) {
        this.identity = identity;
    }

    public static Transport plain() {
        return new Transport(Optional.empty());
    }

    public static Transport tls(TlsIdentity identity) {
        return new Transport(Optional.of(identity));
    }

    public HttpServer create(InetSocketAddress address, int backlog) throws IOException {
        if (identity.isEmpty()) {
            return HttpServer.create(address, backlog);
        }
        HttpsServer server = HttpsServer.create(address, backlog);
        server.setHttpsConfigurator(new HttpsConfigurator(identity.get().sslContext()));
        return server;
    }

    public String scheme() {
        return identity.isPresent() ? "https" : "http";
    }

    /** The fingerprint clients pin; empty on plain HTTP. */
    public Optional<Fingerprint> fingerprint() {
        return identity.map(TlsIdentity::fingerprint);
    }
}
