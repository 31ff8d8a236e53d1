package dev.drover.core.model;

/**
 * What binds a bundle's results to the scheduler that dispatched it. {@code scope} names the job and
 * the task seqs the bundle may report ({@code 0-99,120-120@JOB}); {@code secret} is 128 bits derived
 * by the scheduler from its own key and the scope (base64url). The worker keeps the secret in memory,
 * never in a task's environment, and signs every result and start it sends with it
 * ({@link ResultProof}); a result without a matching proof, or for a task outside the scope, is dropped.
 */
public record BundleSeal(String scope, String secret) {
    @Override
    public String toString() {
        return "BundleSeal[" + scope + "]"; // never the secret, should a seal be logged
    }
}
