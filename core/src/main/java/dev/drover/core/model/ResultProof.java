package dev.drover.core.model;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A worker's proof, in one result message, that it reports these results and starts under the claim
 * of a bundle sealed with {@code scope} ({@link BundleSeal}): an HMAC-SHA256, keyed by the bundle's
 * secret, over the scope and, in order, each result's seq, status, exit code, attempts and end time
 * and each start's seq and start time.
 *
 * @param results the seqs (of the scope's job) of the message's results this proof covers
 * @param started the seqs of the message's starts it covers
 */
public record ResultProof(String scope, List<Long> results, List<Long> started, String mac) {
    private static final String ALGORITHM = "HmacSHA256";

    public ResultProof {
        results = results == null ? List.of() : List.copyOf(results);
        started = started == null ? List.of() : List.copyOf(started);
    }

    /** The proof for these results and starts of the bundle sealed with {@code seal}. */
    public static ResultProof sign(BundleSeal seal, List<TaskResult> results, List<TaskStart> starts) {
        return new ResultProof(seal.scope(), results.stream().map(TaskResult::seq).toList(),
                starts.stream().map(TaskStart::seq).toList(),
                mac(Base64.getUrlDecoder().decode(seal.secret()), seal.scope(), results, starts));
    }

    /** The MAC, base64url without padding, of exactly these items in this order. */
    public static String mac(byte[] secret, String scope, List<TaskResult> results, List<TaskStart> starts) {
        StringBuilder text = new StringBuilder("drover-result-proof-v1\n").append(scope).append('\n');
        for (TaskResult r : results) {
            text.append("r ").append(r.seq()).append(' ').append(r.status()).append(' ').append(r.exitCode())
                    .append(' ').append(r.attempts()).append(' ').append(r.finishedAt()).append('\n');
        }
        for (TaskStart s : starts) {
            text.append("s ").append(s.seq()).append(' ').append(s.startedAt()).append('\n');
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(hmac(secret, text.toString()));
    }

    /** HMAC-SHA256 of the UTF-8 text. */
    public static byte[] hmac(byte[] key, String text) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no " + ALGORITHM + " in this JVM", e); // every JDK has it
        }
    }
}
