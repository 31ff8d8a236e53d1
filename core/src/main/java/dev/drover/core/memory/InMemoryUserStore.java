package dev.drover.core.memory;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.drover.core.codec.Json;
import dev.drover.core.port.User;
import dev.drover.core.port.UserStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Users in this JVM's heap, optionally kept in a JSON file (the scheduler's data directory, for
 * the in-JVM pool). Every change rewrites the file whole: a temporary file of mode 0600 beside
 * it, moved into place atomically, so a crash leaves the old file or the new one, never half of
 * one. Token lookups compare against every stored hash with {@link MessageDigest#isEqual}, with
 * no early exit, so the time taken says nothing about which hash came close.
 */
public final class InMemoryUserStore implements UserStore {
    /** One user as stored: the record and the hashes of their tokens. */
    record Entry(User user, List<String> tokenHashes) {}

    private static final TypeReference<List<Entry>> ENTRIES = new TypeReference<>() {};

    private final Optional<Path> file;
    private final Map<String, Entry> users = new LinkedHashMap<>();

    /** Users that live as long as this object (for {@code drover run} and tests). */
    public InMemoryUserStore() {
        this.file = Optional.empty();
    }

    /** Users kept in {@code file}, read from it if it exists. */
    public InMemoryUserStore(Path file) {
        this.file = Optional.of(file);
        if (Files.exists(file)) {
            try {
                for (Entry e : Json.MAPPER.readValue(file.toFile(), ENTRIES)) {
                    users.put(e.user().name(), e);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the users file " + file, e);
            }
        }
    }

    @Override
    public synchronized boolean add(User user, String tokenHash) {
        if (users.containsKey(user.name())) {
            return false;
        }
        users.put(user.name(), new Entry(user, List.of(tokenHash)));
        save();
        return true;
    }

    @Override
    public synchronized Optional<User> get(String name) {
        return Optional.ofNullable(users.get(name)).map(Entry::user);
    }

    @Override
    public synchronized List<User> list() {
        return users.values().stream().map(Entry::user).sorted(Comparator.comparing(User::name)).toList();
    }

    @Override
    public synchronized Optional<User> byTokenHash(String tokenHash) {
        byte[] wanted = tokenHash.getBytes(StandardCharsets.US_ASCII);
        User found = null;
        for (Entry e : users.values()) {
            for (String h : e.tokenHashes()) {
                if (MessageDigest.isEqual(wanted, h.getBytes(StandardCharsets.US_ASCII))) {
                    found = e.user();
                }
            }
        }
        return Optional.ofNullable(found);
    }

    @Override
    public synchronized boolean remove(String name) {
        if (users.remove(name) == null) {
            return false;
        }
        save();
        return true;
    }

    @Override
    public synchronized boolean setWeight(String name, int weight) {
        Entry e = users.get(name);
        if (e == null) {
            return false;
        }
        users.put(name, new Entry(e.user().withWeight(weight), e.tokenHashes()));
        save();
        return true;
    }

    private void save() {
        if (file.isEmpty()) {
            return;
        }
        Path target = file.get();
        try {
            Path dir = target.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = dir.resolve(target.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            try {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(tmp);
            } catch (FileAlreadyExistsException e) {
                throw new IOException("someone else is writing " + tmp, e);
            }
            Files.writeString(tmp, Json.write(new ArrayList<>(users.values())));
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the users file " + target, e);
        }
    }
}
