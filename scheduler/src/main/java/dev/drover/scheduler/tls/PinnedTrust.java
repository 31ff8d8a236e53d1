package dev.drover.scheduler.tls;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts exactly one server certificate: the one whose SHA-256 is the pin. Nothing else is checked
 * (issuer, dates, host name), since the pin names the very certificate the scheduler made for itself;
 * an extended trust manager, so the JDK adds no host name check of its own. Clients pin the scheduler's
 * certificate; a forwarding replica pins the one it serves itself, which every replica of a stack shares
 * (deployed, one SecureString; locally, one {@code --tls-self-signed} directory), and reaches the others
 * by private IP, so host names could not be checked anyway.
 */
public final class PinnedTrust extends X509ExtendedTrustManager {
    /** The server presented another certificate. */
    public static final class Mismatch extends CertificateException {
        Mismatch(String message) {
            super(message);
        }
    }

    private final Fingerprint pin;

    public PinnedTrust(Fingerprint pin) {
        this.pin = pin;
    }

    public static SSLContext context(Fingerprint pin) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new PinnedTrust(pin)}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS in this JDK", e);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new Mismatch("the scheduler presented no certificate");
        }
        if (!pin.matches(chain[0])) {
            throw new Mismatch("the scheduler's certificate has SHA-256 fingerprint " + Fingerprint.of(chain[0])
                    + ", not the pinned " + pin);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a client does not check clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
