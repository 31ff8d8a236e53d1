package dev.drover.scheduler.auth;

import dev.drover.core.port.User;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * Browser sign-in, as Jupyter does it: a one-time login code (printed in a URL by {@code drover
 * scheduler} and {@code drover run}) is exchanged, once, for a session cookie (by the sign-in
 * page's script, so a link alone cannot sign a browser in); the session also has
 * a CSRF value the page reads from an authenticated JSON call and sends back in a header with every
 * request that changes something. Codes and sessions are 256 random bits, held in memory as their
 * SHA-256 only, and expire; a scheduler restart signs every browser out. Both are bounded per user
 * and in all (the oldest go first), so no one can fill them and lock others out of signing in.
 */
public final class Sessions {
    public static final String COOKIE = "drover_session";
    public static final String CSRF_HEADER = "X-Drover-CSRF";
    /** What the sign-in page's script sends with the code; no HTML form can send a header. */
    public static final String LOGIN_HEADER = "X-Drover-Login";
    public static final Duration CODE_TTL = Duration.ofHours(12);
    public static final Duration SESSION_TTL = Duration.ofHours(12);
    /** Live sign-in codes one user may hold; a new one evicts their oldest. */
    public static final int MAX_CODES_PER_USER = 10;
    /** Signed-in browsers one user may have; a new one signs out their oldest. */
    public static final int MAX_SESSIONS_PER_USER = 20;
    /** Live codes, and sessions, over all users; beyond it the oldest goes, whoever's it is. */
    public static final int MAX_CODES = 10_000;
    public static final int MAX_SESSIONS = 10_000;

    /** A signed-in browser: who, and the value its page must echo in {@link #CSRF_HEADER}. */
    public record Session(User user, String csrf, long expiresAt) {}

    private record Code(User user, long expiresAt) {}

    private final Clock clock;
    /** By the SHA-256 of the code or cookie; oldest first, so eviction takes the head. */
    private final Bounded<Code> codes = new Bounded<>(MAX_CODES_PER_USER, MAX_CODES, c -> c.user().name(), Code::expiresAt);
    private final Bounded<Session> sessions = new Bounded<>(MAX_SESSIONS_PER_USER, MAX_SESSIONS, x -> x.user().name(),
            Session::expiresAt);

    public Sessions(Clock clock) {
        this.clock = clock;
    }

    /** A fresh one-time login code for this user. */
    public synchronized String loginCode(User user) {
        String code = Accounts.newToken();
        codes.put(Accounts.hash(code), new Code(user, clock.millis() + CODE_TTL.toMillis()), clock.millis());
        return code;
    }

    /** Uses up a login code: the new session's cookie value, or empty if the code is unknown, used or expired. */
    public synchronized Optional<String> exchange(String code) {
        if (code == null || code.length() > 100) {
            return Optional.empty();
        }
        Code c = codes.remove(Accounts.hash(code));
        long now = clock.millis();
        if (c == null || c.expiresAt() < now) {
            return Optional.empty();
        }
        String cookie = Accounts.newToken();
        sessions.put(Accounts.hash(cookie), new Session(c.user(), Accounts.newToken(), now + SESSION_TTL.toMillis()), now);
        return Optional.of(cookie);
    }

    /** The live session this cookie value names. */
    public synchronized Optional<Session> session(String cookie) {
        if (cookie == null || cookie.length() > 100) {
            return Optional.empty();
        }
        Session s = sessions.get(Accounts.hash(cookie));
        return s == null || s.expiresAt() < clock.millis() ? Optional.empty() : Optional.of(s);
    }

    /** Ends a session (sign out). */
    public synchronized void end(String cookie) {
        if (cookie != null) {
            sessions.remove(Accounts.hash(cookie));
        }
    }

    /** Ends every session and unused code of this user (removed, say), at once. */
    public synchronized void endUser(String name) {
        codes.removeUser(name);
        sessions.removeUser(name);
    }

    /** True if the header carries this session's CSRF value (compared in constant time). */
    public static boolean csrfMatches(Session s, String header) {
        return header != null && MessageDigest.isEqual(s.csrf().getBytes(StandardCharsets.UTF_8),
                header.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Entries by key, oldest first, at most {@code perUser} of one user and {@code total} in all: a new
     * one first drops the expired, then the user's oldest, then the oldest of anyone's. Never refuses.
     */
    private static final class Bounded<V> {
        private final int perUser;
        private final int total;
        private final Function<V, String> owner;
        private final ToLongFunction<V> expiresAt;
        private final LinkedHashMap<String, V> entries = new LinkedHashMap<>();
        private final Map<String, Integer> counts = new HashMap<>();

        Bounded(int perUser, int total, Function<V, String> owner, ToLongFunction<V> expiresAt) {
            this.perUser = perUser;
            this.total = total;
            this.owner = owner;
            this.expiresAt = expiresAt;
        }

        V get(String key) {
            return entries.get(key);
        }

        void put(String key, V value, long now) {
            String user = owner.apply(value);
            if (counts.getOrDefault(user, 0) >= perUser || entries.size() >= total) {
                removeIf(v -> expiresAt.applyAsLong(v) < now);
            }
            if (counts.getOrDefault(user, 0) >= perUser) {
                removeFirst(v -> owner.apply(v).equals(user));
            }
            if (entries.size() >= total) {
                removeFirst(v -> true);
            }
            entries.put(key, value);
            counts.merge(user, 1, Integer::sum);
        }

        V remove(String key) {
            V v = entries.remove(key);
            if (v != null) {
                uncount(v);
            }
            return v;
        }

        void removeUser(String name) {
            removeIf(v -> owner.apply(v).equals(name));
        }

        private void removeIf(Predicate<V> which) {
            for (Iterator<V> it = entries.values().iterator(); it.hasNext(); ) {
                V v = it.next();
                if (which.test(v)) {
                    it.remove();
                    uncount(v);
                }
            }
        }

        private void removeFirst(Predicate<V> which) {
            for (Iterator<V> it = entries.values().iterator(); it.hasNext(); ) {
                V v = it.next();
                if (which.test(v)) {
                    it.remove();
                    uncount(v);
                    return;
                }
            }
        }

        private void uncount(V v) {
            counts.computeIfPresent(owner.apply(v), (u, n) -> n <= 1 ? null : n - 1);
        }
    }
}
