package dev.drover.aws;

import dev.drover.core.port.ParameterStore;
import java.io.IOException;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterAlreadyExistsException;
import software.amazon.awssdk.services.ssm.model.ParameterType;
import software.amazon.awssdk.services.ssm.model.SsmException;

/**
 * SSM Parameter Store, the two writes the scheduler makes (PutParameter only: its role may not read
 * them back). SDK errors become {@link IOException}s that carry the error code and request id and
 * never the value.
 */
public final class SsmParameters implements ParameterStore {
    private final SsmClient ssm;

    public SsmParameters(SsmClient ssm) {
        this.ssm = ssm;
    }

    /**
     * A new SecureString (encrypted with the account's {@code aws/ssm} key). Never overwrites: a
     * parameter already there is the token of an earlier first start, and replacing it would lock its
     * holder out without revoking it.
     */
    @Override
    public void createSecure(String name, String value) throws IOException {
        put(name, value, ParameterType.SECURE_STRING, false);
    }

    /** A String parameter, replaced if there: a value anyone may read, e.g. a certificate's fingerprint. */
    @Override
    public void putString(String name, String value) throws IOException {
        put(name, value, ParameterType.STRING, true);
    }

    private void put(String name, String value, ParameterType type, boolean overwrite) throws IOException {
        try {
            ssm.putParameter(b -> b.name(name).value(value).type(type).overwrite(overwrite));
        } catch (ParameterAlreadyExistsException e) {
            throw new IOException("SSM parameter " + name + " already exists; it is not overwritten"
                    + " (delete it to let a first start write a new one)", e);
        } catch (SsmException e) {
            throw new IOException("SSM PutParameter " + name + " failed: "
                    + (e.awsErrorDetails() != null ? e.awsErrorDetails().errorCode() : "HTTP " + e.statusCode())
                    + " (request " + e.requestId() + ")", e);
        }
    }
}
