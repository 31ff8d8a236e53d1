package dev.drover.scheduler.tls;

import java.util.Optional;
import javax.net.ssl.SSLContext;

/** How the API's server speaks: plain HTTP, or HTTPS presenting a {@link TlsIdentity}. */
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

    /** The server-side TLS context; empty on plain HTTP. */
    public Optional<SSLContext> sslContext() {
        return identity.map(TlsIdentity::sslContext);
    }

    public String scheme() {
        return identity.isPresent() ? "https" : "http";
    }

    /** The fingerprint clients pin; empty on plain HTTP. */
    public Optional<Fingerprint> fingerprint() {
        return identity.map(TlsIdentity::fingerprint);
    }
}
