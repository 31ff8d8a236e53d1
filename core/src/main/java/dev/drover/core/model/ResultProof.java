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
    /** One Mac a thread: getting one looks up the provider, which cost more than a proof's own text. */
    private static final ThreadLocal<Mac> MACS = ThreadLocal.withInitial(ResultProof::newMac);

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

    /**
     * The MAC, base64url without padding, of exactly these items in this order: over the UTF-8 text
     * {@code drover-result-proof-v1\n<scope>\n}, then {@code r <seq> <status> <exitCode> <attempts> <finishedAt>\n}
     * a result and {@code s <seq> <startedAt>\n} a start ({@link ProofText} writes it straight into the MAC).
     */
    public static String mac(byte[] secret, String scope, List<TaskResult> results, List<TaskStart> starts) {
        Mac mac = init(secret);
        ProofText text = new ProofText(mac);
        text.ascii("drover-result-proof-v1\n").utf8(scope).put('\n');
        for (TaskResult r : results) {
            // a status or exit code missing from a forged message is written "null", as ever
            text.put('r').put(' ').number(r.seq()).put(' ').ascii(String.valueOf(r.status())).put(' ');
            if (r.exitCode() == null) {
                text.ascii("null");
            } else {
                text.number(r.exitCode());
            }
            text.put(' ').number(r.attempts()).put(' ').number(r.finishedAt()).put('\n');
        }
        for (TaskStart s : starts) {
            text.put('s').put(' ').number(s.seq()).put(' ').number(s.startedAt()).put('\n');
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.finish());
    }

    /** HMAC-SHA256 of the UTF-8 text. */
    public static byte[] hmac(byte[] key, String text) {
        return init(key).doFinal(text.getBytes(StandardCharsets.UTF_8));
    }

    private static Mac init(byte[] key) {
        Mac mac = MACS.get();
        try {
            mac.init(new SecretKeySpec(key, ALGORITHM)); // resets it, whatever a failed call left in it
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an HMAC key", e);
        }
        return mac;
    }

    private static Mac newMac() {
        try {
            return Mac.getInstance(ALGORITHM);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no " + ALGORITHM + " in this JVM", e); // every JDK has it
        }
    }
}
