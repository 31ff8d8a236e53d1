package dev.drover.scheduler.collect;

import dev.drover.core.model.BundleSeal;
import dev.drover.core.model.ResultProof;
import dev.drover.core.model.Task;
import dev.drover.core.port.PayloadStore;
import dev.drover.scheduler.model.Backend;
import dev.drover.scheduler.dispatch.Sealer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Seals the bundles this scheduler dispatches and checks the proofs that come back with their results.
 * A bundle's secret is HMAC-SHA256(key, scope) cut to 128 bits, where the scope names the job and the
 * bundle's task seqs: nothing is stored per bundle, a restarted scheduler with the same key verifies
 * what it sealed before, and a worker holding one bundle's secret can prove nothing outside that scope.
 * The 256-bit key is made at the first start and kept where the jobs are: with a job store, in the
 * payload store beside the workloads ({@value #KEY_OBJECT}: the recovery of any job reads that prefix
 * anyway, a scheduler on another host finds it, and workers cannot read it: their role reads only
 * {@code payloads/} and {@code files/}); without one (jobs die with the process), in the data
 * directory ({@value #KEY_FILE}, mode 0600). Neither workers nor tasks can make a secret.
 */
public final class BundleProofs implements Sealer {
    public static final String KEY_FILE = "result-proof.key";
    public static final String KEY_OBJECT = PayloadStore.WORKLOADS_PREFIX + ".drover-result-proof-key";
    private static final int KEY_BYTES = 32;
    private static final int SECRET_BYTES = 16;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final byte[] key;

    public BundleProofs(byte[] key) {
        this.key = key.clone();
    }

    /** The key where the backend keeps its jobs (see above), made if there is none yet. */
    public static BundleProofs of(Backend backend, Path dataDir) {
        try {
            return backend.jobStore().isEmpty() ? inDataDir(dataDir) : inStore(backend.payloads());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or make the result-proof key in " + dataDir, e);
        }
    }

    private static BundleProofs inStore(PayloadStore store) throws IOException {
        if (store.exists(KEY_OBJECT)) {
            store.touch(KEY_OBJECT); // its age starts anew, so the retention rule of workloads never expires it in use
        } else {
            byte[] fresh = new byte[KEY_BYTES];
            new SecureRandom().nextBytes(fresh);
            store.put(KEY_OBJECT, fresh);
        }
        byte[] key = store.get(KEY_OBJECT); // read back: of two first starts at once, both use the one written last
        if (key.length < KEY_BYTES) {
            throw new IOException(KEY_OBJECT + ": the result-proof key is " + key.length + " bytes, not " + KEY_BYTES);
        }
        return new BundleProofs(key);
    }

    /** The key in {@code dataDir}, made (256 random bits, mode 0600) if there is none yet. */
    public static BundleProofs inDataDir(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        Path file = dataDir.resolve(KEY_FILE);
        if (!Files.exists(file)) {
            byte[] fresh = new byte[KEY_BYTES];
            new SecureRandom().nextBytes(fresh);
            Path tmp = Files.createTempFile(dataDir, KEY_FILE, ".tmp", PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------")));
            Files.write(tmp, fresh);
            try {
                Files.createLink(file, tmp); // fails if another start made one meanwhile: theirs wins
            } catch (FileAlreadyExistsException raced) {
                // keep theirs
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        byte[] key = Files.readAllBytes(file);
        if (key.length < KEY_BYTES) {
            throw new IOException(file + ": the result-proof key is " + key.length + " bytes, not " + KEY_BYTES
                    + ": delete it to make a new one");
        }
        return new BundleProofs(key);
    }

    /** The seal of a bundle of these tasks of {@code jobId}. */
    @Override
    public BundleSeal seal(String jobId, List<Task> tasks) {
        String scope = scope(jobId, tasks);
        return new BundleSeal(scope, B64.encodeToString(secret(scope)));
    }

    byte[] secret(String scope) {
        return Arrays.copyOf(ResultProof.hmac(key, "drover-bundle-secret-v1\n" + scope), SECRET_BYTES);
    }

    /** {@code first-last,first-last@JOB}: the bundle's seqs as runs, in order. */
    static String scope(String jobId, List<Task> tasks) {
        long[] seqs = tasks.stream().mapToLong(Task::seq).sorted().toArray();
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < seqs.length; ) {
            int end = i;
            while (end + 1 < seqs.length && seqs[end + 1] <= seqs[end] + 1) {
                end++;
            }
            s.append(s.isEmpty() ? "" : ",").append(seqs[i]).append('-').append(seqs[end]);
            i = end + 1;
        }
        return s.append('@').append(jobId).toString();
    }

    /** A scope read back: the job and its runs of seqs. */
    record Scope(String jobId, List<long[]> runs) {
        boolean contains(long seq) {
            for (long[] r : runs) { // a loop, not a stream: it runs once per task of every result batch
                if (r[0] <= seq && seq <= r[1]) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Empty for a scope this scheduler could not have written. */
    static Optional<Scope> parse(String scope) {
        int at = scope == null ? -1 : scope.indexOf('@');
        if (at < 1 || at == scope.length() - 1) {
            return Optional.empty();
        }
        List<long[]> runs = new ArrayList<>();
        try {
            for (String run : scope.substring(0, at).split(",")) {
                int dash = run.indexOf('-');
                runs.add(new long[] {Long.parseLong(run.substring(0, dash)), Long.parseLong(run.substring(dash + 1))});
            }
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        return Optional.of(new Scope(scope.substring(at + 1), runs));
    }
}
