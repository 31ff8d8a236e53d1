package dev.drover.scheduler.collect;

import dev.drover.core.model.ResultBatch;
import dev.drover.core.model.ResultProof;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStart;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets through only the results and starts of a result message that a valid proof covers: one made
 * with the secret of a bundle this scheduler sealed, for a task inside that bundle. The rest (forged:
 * no proof, a wrong one, or a task outside the bundle) is dropped, counted, and logged once per job.
 * Items of jobs this scheduler does not know pass untouched: they may be another scheduler's on the
 * same queues, to which the collector passes them on ({@link PassOn}), with the proofs that cover them.
 */
public final class ResultGate {
    private static final Logger log = LoggerFactory.getLogger(ResultGate.class);
    /** Bounds the memory of what was logged; past it, logging starts over. */
    private static final int MAX_LOGGED = 10_000;

    private final BundleProofs proofs;
    private final AtomicLong dropped = new AtomicLong();
    private final Set<String> logged = ConcurrentHashMap.newKeySet();
    private final Predicate<String> knownJob;

    public ResultGate(BundleProofs proofs, Predicate<String> knownJob) {
        this.proofs = proofs;
        this.knownJob = knownJob;
    }

    /** Results and starts dropped so far. */
    public long dropped() {
        return dropped.get();
    }

    /** A task of a batch, by job and seq: cheaper to hash than its id string, which is made anew each time. */
    private record Key(String jobId, long seq) {}

    /** The batch with only its proven results and starts. */
    public ResultBatch admit(ResultBatch batch) {
        Map<Key, TaskResult> results = new HashMap<>(batch.results().size() * 2);
        batch.results().forEach(r -> results.putIfAbsent(new Key(r.jobId(), r.seq()), r));
        Map<Key, TaskStart> starts = new HashMap<>(batch.started().size() * 2);
        batch.started().forEach(s -> starts.putIfAbsent(new Key(s.jobId(), s.seq()), s));
        Set<Key> provenResults = new HashSet<>(results.size() * 2);
        Set<Key> provenStarts = new HashSet<>(starts.size() * 2);
        for (ResultProof proof : batch.proofs()) {
            if (!verify(proof, results, starts, provenResults, provenStarts)) {
                once("proof:" + proof.scope(), "dropping results from worker {}: a proof for bundle scope {} does not verify",
                        batch.worker(), proof.scope());
            }
        }
        if (provenResults.size() == batch.results().size() && provenStarts.size() == batch.started().size()) {
            return batch; // every item proven (the usual case): nothing to filter
        }
        List<TaskResult> keptResults = new ArrayList<>(batch.results().size());
        List<String> keptJson = new ArrayList<>(batch.resultJson().size());
        for (int i = 0; i < batch.results().size(); i++) {
            TaskResult r = batch.results().get(i);
            if (!knownJob.test(r.jobId()) || provenResults.contains(new Key(r.jobId(), r.seq()))) {
                keptResults.add(r);
                if (!batch.resultJson().isEmpty()) {
                    keptJson.add(batch.resultJson().get(i)); // each kept result keeps its own text
                }
            }
        }
        List<TaskStart> keptStarts = batch.started().stream()
                .filter(s -> !knownJob.test(s.jobId()) || provenStarts.contains(new Key(s.jobId(), s.seq()))).toList();
        int lost = batch.results().size() - keptResults.size() + batch.started().size() - keptStarts.size();
        if (lost == 0) {
            return batch;
        }
        dropped.addAndGet(lost);
        List<String> jobs = new ArrayList<>();
        batch.results().stream().filter(r -> knownJob.test(r.jobId()) && !provenResults.contains(new Key(r.jobId(), r.seq())))
                .map(TaskResult::jobId).distinct().forEach(jobs::add);
        for (String job : jobs) {
            once("job:" + job, "dropping results for job {} from worker {} that no bundle seal of this scheduler proves"
                    + " (forged, or from a bundle it did not dispatch); logged once per job", job, batch.worker());
        }
        return new ResultBatch(batch.worker(), batch.usageJob(), batch.usage(), batch.duplicatesSkipped(), keptResults,
                keptStarts, batch.proofs(), keptJson);
    }

    /** Checks one proof; if it verifies, adds the tasks it covers to the proven sets. */
    private boolean verify(ResultProof proof, Map<Key, TaskResult> results, Map<Key, TaskStart> starts,
                           Set<Key> provenResults, Set<Key> provenStarts) {
        Optional<BundleProofs.Scope> parsed = BundleProofs.parse(proof.scope());
        if (parsed.isEmpty() || proof.mac() == null) {
            return false;
        }
        BundleProofs.Scope scope = parsed.get();
        List<TaskResult> rs = new ArrayList<>(proof.results().size());
        List<TaskStart> ss = new ArrayList<>(proof.started().size());
        for (long seq : proof.results()) {
            TaskResult r = results.get(new Key(scope.jobId(), seq));
            if (r == null || !scope.contains(seq)) {
                return false;
            }
            rs.add(r);
        }
        for (long seq : proof.started()) {
            TaskStart s = starts.get(new Key(scope.jobId(), seq));
            if (s == null || !scope.contains(seq)) {
                return false;
            }
            ss.add(s);
        }
        String expected = ResultProof.mac(proofs.secret(proof.scope()), proof.scope(), rs, ss);
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), proof.mac().getBytes(StandardCharsets.UTF_8))) {
            return false;
        }
        rs.forEach(r -> provenResults.add(new Key(r.jobId(), r.seq())));
        ss.forEach(s -> provenStarts.add(new Key(s.jobId(), s.seq())));
        return true;
    }

    private void once(String key, String message, Object... args) {
        if (logged.size() >= MAX_LOGGED) {
            logged.clear();
        }
        if (logged.add(key)) {
            log.warn(message, args);
        }
    }
}
