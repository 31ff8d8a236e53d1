package dev.drover.core.memory;

import dev.drover.core.port.PayloadStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.time.Instant;
import java.util.Comparator;

/**
 * Objects in this JVM, each with when it was written: for tests and for the in-JVM pool. Given a spool
 * directory, an object stored from a file over {@link #SPOOL_THRESHOLD} is copied there instead of
 * onto the heap (a files pack or an output of hundreds of MB would not fit in a small heap); the
 * directory is the store's own, and what it holds goes with {@link #delete} like the rest.
 */
public final class InMemoryPayloadStore implements PayloadStore {
    /** Objects from files larger than this go to the spool directory, where there is one. */
    public static final long SPOOL_THRESHOLD = 1L << 20;

    /** One object: its bytes, or the spooled file that holds them. */
    private record Stored(byte[] bytes, Path file, long size) {}

    private final Map<String, Stored> objects = new ConcurrentHashMap<>();
    private final Map<String, Long> modified = new ConcurrentHashMap<>();
    private final Clock clock;
    private final Optional<Path> spool;

    public InMemoryPayloadStore() {
        this(Clock.systemUTC());
    }

    public InMemoryPayloadStore(Clock clock) {
        this(clock, Optional.empty());
    }

    /** @param spool an existing directory only this store writes, for large objects; empty: all on the heap */
    public InMemoryPayloadStore(Clock clock, Optional<Path> spool) {
        this.clock = clock;
        this.spool = spool;
    }

    @Override
    public void put(String key, byte[] bytes) {
        store(key, new Stored(bytes.clone(), null, bytes.length));
    }

    private void store(String key, Stored value) {
        modified.put(key, clock.millis());
        Stored old = objects.put(key, value);
        if (old != null && old.file != null && !old.file.equals(value.file)) {
            deleteQuietly(old.file);
        }
    }

    @Override
    public boolean exists(String key) {
        return objects.containsKey(key);
    }

    @Override
    public void putFile(String key, Path file) {
        try {
            long size = Files.size(file);
            if (spool.isEmpty() || size <= SPOOL_THRESHOLD) {
                byte[] bytes = Files.readAllBytes(file);
                store(key, new Stored(bytes, null, bytes.length));
                return;
            }
            Path copy = Files.createTempFile(spool.get(), "object-", ".bin");
            try {
                Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                deleteQuietly(copy);
                throw e;
            }
            store(key, new Stored(null, copy, Files.size(copy)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Stored stored(String key) {
        Stored s = objects.get(key);
        if (s == null) {
            throw new NoSuchElementException("no object " + key);
        }
        return s;
    }

    @Override
    public byte[] get(String key) {
        Stored s = stored(key);
        if (s.file == null) {
            return s.bytes.clone();
        }
        try {
            return Files.readAllBytes(s.file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public InputStream open(String key) {
        Stored s = stored(key);
        if (s.file == null) {
            return new ByteArrayInputStream(s.bytes);
        }
        try {
            return Files.newInputStream(s.file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public List<StoredObject> list(String prefix) {
        return objects.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                .map(e -> new StoredObject(e.getKey(), e.getValue().size,
                        Instant.ofEpochMilli(modified.getOrDefault(e.getKey(), 0L))))
                .sorted(Comparator.comparing(StoredObject::key)).toList();
    }

    @Override
    public void delete(String key) {
        Stored old = objects.remove(key);
        modified.remove(key);
        if (old != null && old.file != null) {
            deleteQuietly(old.file);
        }
    }

    @Override
    public void touch(String key) {
        store(key, stored(key));
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a leftover spooled object wastes disk until the store's directory goes
        }
    }
}
