package dev.drover.scheduler.auth;

import dev.drover.core.memory.InMemoryUserStore;
import dev.drover.core.port.User;
import dev.drover.core.port.UserStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.time.Duration;

/**
 * Users and their tokens, over a {@link UserStore}. A token is 256 random bits from
 * {@link SecureRandom}, base64url without padding; only its SHA-256 is stored (a token has full
 * entropy, so a slow password hash would add nothing). Who a token belongs to is remembered for
 * {@link #CACHE_FOR}, so that a request costs no store read and a brief outage of the store does
 * not lock everyone out; a removal through this object forgets at once, one through another
 * scheduler within that time.
 */
public final class Accounts {
    private static final Logger log = LoggerFactory.getLogger(Accounts.class);
    /** The user a fresh scheduler creates. */
    public static final String ADMIN = "admin";
    /** Names are safe in paths, logs and shells. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    static final long CACHE_FOR_MILLIS = 10_000;
    /** For docs: how long a removal through another scheduler may take to bite. */
    public static final Duration CACHE_FOR = Duration.ofMillis(CACHE_FOR_MILLIS);
    private static final int MAX_TOKEN_CHARS = 256;
    private static final SecureRandom RANDOM = new SecureRandom();

    private record Cached(User user, long until) {}

    private final UserStore store;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    /** Fair-share weights by user name, for the dispatcher (which asks every round), kept as the tokens are. */
    private final Map<String, Cached> weights = new ConcurrentHashMap<>();
    /** Users by name (a null user: none of that name), for {@link #byName}. */
    private final Map<String, Cached> users = new ConcurrentHashMap<>();

    public Accounts(UserStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Users in memory with one admin: for {@code drover run} and in-process callers (tests, chaos, bench). */
    public record Local(Accounts accounts, String adminToken) {}

    public static Local local(Clock clock) {
        Accounts accounts = new Accounts(new InMemoryUserStore(), clock);
        return new Local(accounts, accounts.bootstrap().orElseThrow());
    }

    public static String newToken() {
        byte[] bits = new byte[32];
        RANDOM.nextBytes(bits);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
    }

    public static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** On a store with no user: creates {@link #ADMIN} and returns its token, the only time it is seen. */
    public synchronized Optional<String> bootstrap() {
        if (!store.list().isEmpty()) {
            return Optional.empty();
        }
        String token = newToken();
        if (!store.add(new User(ADMIN, true, clock.millis()), hash(token))) {
            return Optional.empty(); // another scheduler on the same store was first
        }
        log.info("created the admin user '{}'", ADMIN);
        return Optional.of(token);
    }

    /** Who holds this token; empty for an unknown, revoked or malformed one. */
    public Optional<User> authenticate(String token) {
        if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_CHARS) {
            return Optional.empty();
        }
        String h = hash(token);
        long now = clock.millis();
        Cached c = cache.get(h);
        if (c != null && c.until > now) {
            return Optional.of(c.user);
        }
        Optional<User> user;
        try {
            user = store.byTokenHash(h);
        } catch (RuntimeException e) {
            if (c != null) {
                log.warn("user store unavailable ({}); trusting what it said {} ms ago", e.getMessage(), now - c.until + CACHE_FOR_MILLIS);
                return Optional.of(c.user);
            }
            throw e;
        }
        user.ifPresentOrElse(u -> cache.put(h, new Cached(u, now + CACHE_FOR_MILLIS)), () -> cache.remove(h));
        return user;
    }

    /** Adds a user; returns their token, the only time it is seen. */
    public String add(String name, boolean admin) {
        return add(name, admin, User.DEFAULT_WEIGHT, null);
    }

    /**
     * Adds a user of this fair-share weight, whose jobs may spend at most {@code monthlyBudgetUsd} a
     * calendar month (null: no limit); returns their token, the only time it is seen.
     */
    public String add(String name, boolean admin, int weight, Double monthlyBudgetUsd) {
        checkWeight(weight);
        if (monthlyBudgetUsd != null && !(monthlyBudgetUsd >= 0 && monthlyBudgetUsd < 1e12)) {
            throw new IllegalArgumentException("a monthly budget is a number of US dollars, 0 or more");
        }
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a user name is 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        String token = newToken();
        if (!store.add(new User(name, admin, clock.millis(), weight, monthlyBudgetUsd), hash(token))) {
            throw new IllegalStateException("user " + name + " exists");
        }
        log.info("added user '{}'{}", name, admin ? " (admin)" : "");
        return token;
    }

    /** Changes the user's fair-share weight; false if there is no such user. */
    public boolean setWeight(String name, int weight) {
        checkWeight(weight);
        boolean changed = store.setWeight(name, weight);
        weights.remove(name);
        if (changed) {
            log.info("user '{}' now weighs {}", name, weight);
        }
        return changed;
    }

    /**
     * The user's fair-share weight, read from the store at most once per {@link #CACHE_FOR}; 1 for
     * an unknown user, and the last known weight (else 1) while the store is unavailable.
     */
    public int weight(String name) {
        long now = clock.millis();
        Cached c = weights.get(name);
        if (c != null && c.until > now) {
            return c.user.weight();
        }
        try {
            User u = store.get(name).orElse(new User(name, false, 0));
            weights.put(name, new Cached(u, now + CACHE_FOR_MILLIS));
            return u.weight();
        } catch (RuntimeException e) {
            log.warn("user store unavailable ({}); weight of '{}' taken as before", e.getMessage(), name);
            return c != null ? c.user.weight() : User.DEFAULT_WEIGHT;
        }
    }

    /**
     * The user of this name as the store has them now, read at most once per {@link #CACHE_FOR} (a
     * removal here shows at once); empty once removed. A signed-in browser is checked with this.
     */
    public Optional<User> byName(String name) {
        long now = clock.millis();
        Cached c = users.get(name);
        if (c != null && c.until > now) {
            return Optional.ofNullable(c.user);
        }
        Optional<User> user;
        try {
            user = store.get(name);
        } catch (RuntimeException e) {
            if (c != null) {
                log.warn("user store unavailable ({}); trusting what it said of '{}'", e.getMessage(), name);
                return Optional.ofNullable(c.user);
            }
            throw e;
        }
        users.put(name, new Cached(user.orElse(null), now + CACHE_FOR_MILLIS));
        return user;
    }

    private static void checkWeight(int weight) {
        if (weight < 1 || weight > User.MAX_WEIGHT) {
            throw new IllegalArgumentException("a weight is a whole number from 1 to " + User.MAX_WEIGHT);
        }
    }

    public List<User> list() {
        return store.list();
    }

    /** Removes the user and revokes their tokens; false if there was none. */
    public boolean remove(String name) {
        boolean removed = store.remove(name);
        cache.values().removeIf(c -> c.user.name().equals(name));
        weights.remove(name);
        users.remove(name);
        if (removed) {
            log.info("removed user '{}' and revoked their tokens", name);
        }
        return removed;
    }
}
