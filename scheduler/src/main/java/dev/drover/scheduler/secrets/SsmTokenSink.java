package dev.drover.scheduler.secrets;

import dev.drover.core.port.ParameterStore;
import java.io.IOException;

/** The token as an SSM SecureString parameter: on the deployed stack, only the account's administrators can read it. */
public record SsmTokenSink(ParameterStore ssm, String name) implements AdminTokenSink {
    @Override
    public String store(String token) throws IOException {
        ssm.createSecure(name, token);
        return "the SSM SecureString parameter " + name;
    }
}
