package dev.drover.cli;

import dev.drover.scheduler.tls.PinnedTrust;
import java.net.URI;
import javax.net.ssl.SSLException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;

/**
 * A TLS connection to the scheduler failed: a usage problem (wrong pin, no pin for a self-signed
 * certificate, https to a plain port), so the command exits 2 with this message, not a stack trace.
 */
final class UntrustedScheduler extends IllegalStateException {
    private UntrustedScheduler(String message, Throwable cause) {
        super(message, cause);
    }

    static UntrustedScheduler of(URI base, boolean pinned, SSLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof PinnedTrust.Mismatch mismatch) {
                return new UntrustedScheduler(base + ": " + mismatch.getMessage()
                        + "; not sending the token (another or a re-made scheduler, or someone in between)", e);
            }
        }
        if (!pinned && isUntrustedChain(e)) {
            return new UntrustedScheduler(base + ": the scheduler's certificate is not one this JDK trusts (self-signed?);"
                    + " pin it with --tls-fingerprint SHA256 or $" + ServerOption.TLS_FINGERPRINT
                    + " (the scheduler prints it at start; on a deployed stack it is in the SSM parameter"
                    + " named by the stack output TlsFingerprintParameter)", e);
        }
        return new UntrustedScheduler(base + ": TLS failed: " + e.getMessage()
                + " (is it an HTTPS port? a plain one takes HOST:PORT or http://)", e);
    }

    private static boolean isUntrustedChain(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertPathValidatorException
                    || t instanceof CertPathBuilderException
                    || t instanceof CertificateException) {
                return true;
            }
        }
        return false;
    }
}
