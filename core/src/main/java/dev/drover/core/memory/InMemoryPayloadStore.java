package dev.drover.core.memory;

import dev.drover.core.port.PayloadStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;

/** Objects in this JVM's heap, each with when it was written: for tests and for the in-JVM pool. */
public final class InMemoryPayloadStore implements PayloadStore {
    private final Map<String, byte[]> objects = new ConcurrentHashMap<>();
    private final Map<String, Long> modified = new ConcurrentHashMap<>();
    private final Clock clock;

    public InMemoryPayloadStore() {
        this(Clock.systemUTC());
    }

    public InMemoryPayloadStore(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void put(String key, byte[] bytes) {
        store(key, bytes.clone());
    }

    private void store(String key, byte[] bytes) {
        modified.put(key, clock.millis());
        objects.put(key, bytes);
    }

    @Override
    public boolean exists(String key) {
        return objects.containsKey(key);
    }

    @Override
    public void putFile(String key, Path file) {
        try {
            store(key, Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public byte[] get(String key) {
        byte[] bytes = objects.get(key);
        if (bytes == null) {
            throw new NoSuchElementException("no object " + key);
        }
        return bytes.clone();
    }

    @Override
    public InputStream open(String key) {
        return new ByteArrayInputStream(get(key));
    }

    @Override
    public List<StoredObject> list(String prefix) {
        return objects.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                .map(e -> new StoredObject(e.getKey(), e.getValue().length,
                        java.time.Instant.ofEpochMilli(modified.getOrDefault(e.getKey(), 0L))))
                .sorted(java.util.Comparator.comparing(StoredObject::key)).toList();
    }

    @Override
    public void delete(String key) {
        objects.remove(key);
        modified.remove(key);
    }

    @Override
    public void touch(String key) {
        store(key, get(key));
    }
}
