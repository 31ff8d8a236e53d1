package dev.drover.scheduler.collect;

import dev.drover.core.model.ResultBatch;
import dev.drover.core.model.ResultProof;
import dev.drover.core.model.Task;
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
 * same queues, which the collector leaves for it (and drops if nobody claims them).
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

    /** The batch with only its proven results and starts. */
    public ResultBatch admit(ResultBatch batch) {
        Map<String, TaskResult> results = new HashMap<>();
        batch.results().forEach(r -> results.putIfAbsent(r.taskId(), r));
        Map<String, TaskStart> starts = new HashMap<>();
        batch.started().forEach(s -> starts.putIfAbsent(Task.id(s.jobId(), s.seq()), s));
        Set<String> provenResults = new HashSet<>();
        Set<String> provenStarts = new HashSet<>();
        for (ResultProof proof : batch.proofs()) {
            verify(proof, results, starts).ifPresentOrElse(ids -> {
                provenResults.addAll(ids.results());
                provenStarts.addAll(ids.starts());
            }, () -> once("proof:" + proof.scope(), "dropping results from worker {}: a proof for bundle scope {} does not verify",
                    batch.worker(), proof.scope()));
        }
        List<TaskResult> keptResults = batch.results().stream()
                .filter(r -> !knownJob.test(r.jobId()) || provenResults.contains(r.taskId())).toList();
        List<TaskStart> keptStarts = batch.started().stream()
                .filter(s -> !knownJob.test(s.jobId()) || provenStarts.contains(Task.id(s.jobId(), s.seq()))).toList();
        int lost = batch.results().size() - keptResults.size() + batch.started().size() - keptStarts.size();
        if (lost == 0) {
            return batch;
        }
        dropped.addAndGet(lost);
        List<String> jobs = new ArrayList<>();
        batch.results().stream().filter(r -> knownJob.test(r.jobId()) && !provenResults.contains(r.taskId())).map(TaskResult::jobId).distinct().forEach(jobs::add);
        for (String job : jobs) {
            once("job:" + job, "dropping results for job {} from worker {} that no bundle seal of this scheduler proves"
                    + " (forged, or from a bundle it did not dispatch); logged once per job", job, batch.worker());
        }
        return new ResultBatch(batch.worker(), batch.usageJob(), batch.usage(), batch.duplicatesSkipped(), keptResults,
                keptStarts, batch.proofs());
    }

    private record Ids(List<String> results, List<String> starts) {}

    private Optional<Ids> verify(ResultProof proof, Map<String, TaskResult> results, Map<String, TaskStart> starts) {
        Optional<BundleProofs.Scope> parsed = BundleProofs.parse(proof.scope());
        if (parsed.isEmpty() || proof.mac() == null) {
            return Optional.empty();
        }
        BundleProofs.Scope scope = parsed.get();
        List<TaskResult> rs = new ArrayList<>();
        List<TaskStart> ss = new ArrayList<>();
        for (long seq : proof.results()) {
            TaskResult r = results.get(Task.id(scope.jobId(), seq));
            if (r == null || !scope.contains(seq)) {
                return Optional.empty();
            }
            rs.add(r);
        }
        for (long seq : proof.started()) {
            TaskStart s = starts.get(Task.id(scope.jobId(), seq));
            if (s == null || !scope.contains(seq)) {
                return Optional.empty();
            }
            ss.add(s);
        }
        String expected = ResultProof.mac(proofs.secret(proof.scope()), proof.scope(), rs, ss);
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), proof.mac().getBytes(StandardCharsets.UTF_8))) {
            return Optional.empty();
        }
        return Optional.of(new Ids(rs.stream().map(TaskResult::taskId).toList(),
                ss.stream().map(s -> Task.id(s.jobId(), s.seq())).toList()));
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
