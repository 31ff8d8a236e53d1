package dev.drover.scheduler.auth;

import dev.drover.core.port.User;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Browser sign-in, as Jupyter does it: a one-time login code (printed in a URL by {@code drover
 * scheduler} and {@code drover run}) is exchanged, once, for a session cookie; the session also has
 * a CSRF value the page reads from an authenticated JSON call and sends back in a header with every
 * request that changes something. Codes and sessions are 256 random bits, held in memory as their
 * SHA-256 only, and expire; a scheduler restart signs every browser out.
 */
public final class Sessions {
    public static final String COOKIE = "drover_session";
    public static final String CSRF_HEADER = "X-Drover-CSRF";
    public static final Duration CODE_TTL = Duration.ofHours(12);
    public static final Duration SESSION_TTL = Duration.ofHours(12);
    /** Beyond this many live codes or sessions the oldest expired ones are swept first, then new ones refused. */
    private static final int MAX_ENTRIES = 10_000;

    /** A signed-in browser: who, and the value its page must echo in {@link #CSRF_HEADER}. */
    public record Session(User user, String csrf, long expiresAt) {}

    private record Code(User user, long expiresAt) {}

    private final Clock clock;
    private final Map<String, Code> codes = new ConcurrentHashMap<>();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    public Sessions(Clock clock) {
        this.clock = clock;
    }

    /** A fresh one-time login code for this user. */
    public String loginCode(User user) {
        sweep();
        String code = Accounts.newToken();
        codes.put(Accounts.hash(code), new Code(user, clock.millis() + CODE_TTL.toMillis()));
        return code;
    }

    /** Uses up a login code: the new session's cookie value, or empty if the code is unknown, used or expired. */
    public Optional<String> exchange(String code) {
        if (code == null || code.length() > 100) {
            return Optional.empty();
        }
        Code c = codes.remove(Accounts.hash(code));
        long now = clock.millis();
        if (c == null || c.expiresAt() < now) {
            return Optional.empty();
        }
        sweep();
        String cookie = Accounts.newToken();
        sessions.put(Accounts.hash(cookie), new Session(c.user(), Accounts.newToken(), now + SESSION_TTL.toMillis()));
        return Optional.of(cookie);
    }

    /** The live session this cookie value names. */
    public Optional<Session> session(String cookie) {
        if (cookie == null || cookie.length() > 100) {
            return Optional.empty();
        }
        Session s = sessions.get(Accounts.hash(cookie));
        return s == null || s.expiresAt() < clock.millis() ? Optional.empty() : Optional.of(s);
    }

    /** Ends a session (sign out). */
    public void end(String cookie) {
        if (cookie != null) {
            sessions.remove(Accounts.hash(cookie));
        }
    }

    /** True if the header carries this session's CSRF value (compared in constant time). */
    public static boolean csrfMatches(Session s, String header) {
        return header != null && MessageDigest.isEqual(s.csrf().getBytes(StandardCharsets.UTF_8),
                header.getBytes(StandardCharsets.UTF_8));
    }

    private void sweep() {
        long now = clock.millis();
        if (codes.size() + sessions.size() < MAX_ENTRIES) {
            return;
        }
        codes.values().removeIf(c -> c.expiresAt() < now);
        sessions.values().removeIf(s -> s.expiresAt() < now);
        if (codes.size() + sessions.size() >= MAX_ENTRIES) {
            throw new IllegalStateException("too many sign-ins at once");
        }
    }
}
