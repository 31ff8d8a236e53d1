package dev.drover.core.port;

import java.io.IOException;

/**
 * A store of named parameters the scheduler writes and never reads back (SSM Parameter Store on the
 * deployed stack): the first admin's token and the certificate's fingerprint. A port here, not in
 * the scheduler, for the same reason as the others: the adapter lives in {@code aws}, which builds
 * on core only. Failures say which parameter and why, never the value.
 */
public interface ParameterStore {
    /** A new secret parameter; never overwrites one already there (that is an {@link IOException}). */
    void createSecure(String name, String value) throws IOException;

    /** A plain parameter anyone may read, replaced if there. */
    void putString(String name, String value) throws IOException;
}
