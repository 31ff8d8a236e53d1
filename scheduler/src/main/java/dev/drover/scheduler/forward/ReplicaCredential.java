package dev.drover.scheduler.forward;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What a replica puts on a request it forwards to the replica owning a job: the caller's name, the time,
 * and an HMAC-SHA256 over both and the request's method and target, in one header ({@value #HEADER}:
 * {@code NAME;MILLIS;MAC}). Only replicas hold the key, so a client cannot make one: a request with the
 * header and a wrong or stale MAC is refused, never taken as the name it claims. The owner then looks the
 * name up as it is now (a removed user is refused, a demoted admin is a user) and authorises the request as
 * that caller. The MAC binds the method and target, so a header seen on one request does not open another,
 * and the time, so it is good for {@link #WINDOW} only. The key is derived from the stack's shared
 * result-proof key with a label of its own, so replicas share it without a new secret to distribute.
 */
public final class ReplicaCredential {
    public static final String HEADER = "X-Drover-Forwarded-User";
    /** The name a replica signs its own requests with (no user can have it: a name starts with a letter or digit). */
    public static final String REPLICA = ":replica";
    /** How far a forwarded request's time may be from the owner's clock: a hop takes milliseconds; clocks differ by seconds. */
    public static final Duration WINDOW = Duration.ofSeconds(30);
    private static final String LABEL = "drover replica forwarding v1";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final byte[] key;
    private final Clock clock;

    private ReplicaCredential(byte[] key, Clock clock) {
        this.key = key;
        this.clock = clock;
    }

    /** The forwarding key HMAC-SHA256(shared, label): the result-proof key is never used as it is for a second purpose. */
    public static ReplicaCredential derivedFrom(byte[] sharedKey, Clock clock) {
        if (sharedKey.length < 32) {
            throw new IllegalArgumentException("the shared key is " + sharedKey.length + " bytes, fewer than 32");
        }
        return new ReplicaCredential(hmac(sharedKey, LABEL), clock);
    }

    /** The header's value for {@code user}'s request {@code method target} (target: raw path and query). */
    public String sign(String user, String method, String target) {
        long at = clock.millis();
        return user + ";" + at + ";" + B64.encodeToString(hmac(key, message(user, at, method, target)));
    }

    /** The caller's name if {@code header} was made by a replica for this very request, within the window; else empty. */
    public Optional<String> verify(String header, String method, String target) {
        int second = header.lastIndexOf(';');
        int first = second > 0 ? header.lastIndexOf(';', second - 1) : -1;
        if (first <= 0) {
            return Optional.empty();
        }
        String user = header.substring(0, first);
        long at;
        try {
            at = Long.parseLong(header.substring(first + 1, second));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (Math.abs(clock.millis() - at) > WINDOW.toMillis()) {
            return Optional.empty();
        }
        byte[] expected = hmac(key, message(user, at, method, target));
        byte[] given;
        try {
            given = Base64.getUrlDecoder().decode(header.substring(second + 1));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return MessageDigest.isEqual(expected, given) ? Optional.of(user) : Optional.empty();
    }

    private static String message(String user, long at, String method, String target) {
        return user + "\n" + at + "\n" + method + "\n" + target;
    }

    private static byte[] hmac(byte[] key, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no HmacSHA256 in this JDK", e);
        }
    }
}
