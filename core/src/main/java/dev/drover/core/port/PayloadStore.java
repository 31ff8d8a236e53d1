package dev.drover.core.port;

import java.io.InputStream;
import java.nio.file.Path;

/** Object storage for what does not fit in a message: big payloads and submitted workloads. */
public interface PayloadStore {
    void put(String key, byte[] bytes);

    void putFile(String key, Path file);

    byte[] get(String key);

    InputStream open(String key);
}
