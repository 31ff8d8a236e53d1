package dev.drover.scheduler.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.drover.core.port.ParameterStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the admin's token goes: a 0600 file, or a secret parameter (SSM's adapter is tested in aws, SsmParametersTest). */
class TokenSinksTest {
    @TempDir
    Path dir;

    @Test
    void theFileSinkKeepsTodaysBehaviour() throws IOException {
        Path file = dir.resolve("home/.drover/token");
        String where = new FileTokenSink(file).store("tok");
        assertEquals("tok\n", Files.readString(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
        assertEquals(file + " (mode 0600)", where);
    }

    @Test
    void theSsmSinkCreatesASecretAndSaysWhereNeverWhat() throws IOException {
        Map<String, String> secrets = new HashMap<>();
        ParameterStore store = new ParameterStore() {
            @Override
            public void createSecure(String name, String value) throws IOException {
                if (secrets.putIfAbsent(name, value) != null) {
                    throw new IOException(name + " already exists");
                }
            }

            @Override
            public void putString(String name, String value) {
                throw new AssertionError("the token is never a plain parameter");
            }
        };
        String where = new SsmTokenSink(store, "/drover/Drover/admin-token").store("tok-123");

        assertEquals("the SSM SecureString parameter /drover/Drover/admin-token", where);
        assertEquals(Map.of("/drover/Drover/admin-token", "tok-123"), secrets);
        assertThrows(IOException.class, () -> new SsmTokenSink(store, "/drover/Drover/admin-token").store("second"));
    }
}
