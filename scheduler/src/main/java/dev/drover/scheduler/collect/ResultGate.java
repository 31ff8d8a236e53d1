package dev.drover.scheduler.collect;

import dev.drover.core.model.ResultBatch;
import dev.drover.core.model.ResultProof;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStart;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
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

    /** The batch with only its proven results and starts. */
    public ResultBatch admit(ResultBatch batch) {
        List<TaskResult> results = batch.results();
        List<TaskStart> starts = batch.started();
        Items items = new Items(results, starts);
        int proven = 0;
        for (ResultProof proof : batch.proofs()) {
            int newly = verify(proof, items);
            if (newly < 0) {
                once("proof:" + proof.scope(), "dropping results from worker {}: a proof for bundle scope {} does not verify",
                        batch.worker(), proof.scope());
            } else {
                proven += newly;
            }
        }
        if (proven == results.size() + starts.size()) {
            return batch; // every item proven, none twice (the usual case): nothing to filter
        }
        List<TaskResult> keptResults = new ArrayList<>(results.size());
        List<String> keptJson = new ArrayList<>(batch.resultJson().size());
        List<String> jobs = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            TaskResult r = results.get(i);
            if (!knownJob.test(r.jobId()) || items.resultProven(r)) {
                keptResults.add(r);
                if (!batch.resultJson().isEmpty()) {
                    keptJson.add(batch.resultJson().get(i)); // each kept result keeps its own text
                }
            } else if (!jobs.contains(r.jobId())) {
                jobs.add(r.jobId());
            }
        }
        List<TaskStart> keptStarts = starts.stream().filter(s -> !knownJob.test(s.jobId()) || items.startProven(s)).toList();
        int lost = results.size() - keptResults.size() + starts.size() - keptStarts.size();
        if (lost == 0) {
            return batch;
        }
        dropped.addAndGet(lost);
        for (String job : jobs) {
            once("job:" + job, "dropping results for job {} from worker {} that no bundle seal of this scheduler proves"
                    + " (forged, or from a bundle it did not dispatch); logged once per job", job, batch.worker());
        }
        return new ResultBatch(batch.worker(), batch.usageJob(), batch.usage(), batch.duplicatesSkipped(), keptResults,
                keptStarts, batch.proofs(), keptJson);
    }

    /**
     * A batch's results and starts by task, and which tasks a proof covers. A task is proven once a proof
     * over its first item verifies; its repeats in the same batch go with it, as they always have.
     */
    private static final class Items {
        final List<TaskResult> results;
        final List<TaskStart> starts;
        final ItemIndex resultAt;
        final ItemIndex startAt;
        final boolean[] resultProven;
        final boolean[] startProven;

        Items(List<TaskResult> results, List<TaskStart> starts) {
            this.results = results;
            this.starts = starts;
            this.resultAt = ItemIndex.of(results, TaskResult::jobId, TaskResult::seq);
            this.startAt = ItemIndex.of(starts, TaskStart::jobId, TaskStart::seq);
            this.resultProven = new boolean[results.size()];
            this.startProven = new boolean[starts.size()];
        }

        boolean resultProven(TaskResult r) {
            return resultProven[resultAt.find(r.jobId(), r.seq())];
        }

        boolean startProven(TaskStart s) {
            return startProven[startAt.find(s.jobId(), s.seq())];
        }
    }

    /** Checks one proof; if it verifies, marks the tasks it covers and answers how many were not yet proven, else -1. */
    private int verify(ResultProof proof, Items items) {
        Optional<BundleProofs.Scope> parsed = BundleProofs.parse(proof.scope());
        if (parsed.isEmpty() || proof.mac() == null) {
            return -1;
        }
        BundleProofs.Scope scope = parsed.get();
        int[] rs = positions(proof.results(), scope, items.resultAt);
        int[] ss = positions(proof.started(), scope, items.startAt);
        if (rs == null || ss == null) {
            return -1;
        }
        List<TaskResult> covered = new ArrayList<>(rs.length);
        for (int p : rs) {
            covered.add(items.results.get(p));
        }
        List<TaskStart> coveredStarts = new ArrayList<>(ss.length);
        for (int p : ss) {
            coveredStarts.add(items.starts.get(p));
        }
        String expected = ResultProof.mac(proofs.secret(proof.scope()), proof.scope(), covered, coveredStarts);
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), proof.mac().getBytes(StandardCharsets.UTF_8))) {
            return -1;
        }
        return mark(rs, items.resultProven) + mark(ss, items.startProven);
    }

    /** Where each seq's item of the scope's job is, or null if one is missing or outside the scope. */
    private static int[] positions(List<Long> seqs, BundleProofs.Scope scope, ItemIndex index) {
        int[] at = new int[seqs.size()];
        for (int i = 0; i < at.length; i++) {
            long seq = seqs.get(i);
            at[i] = index.find(scope.jobId(), seq);
            if (at[i] < 0 || !scope.contains(seq)) {
                return null;
            }
        }
        return at;
    }

    private static int mark(int[] positions, boolean[] proven) {
        int newly = 0;
        for (int p : positions) {
            if (!proven[p]) {
                proven[p] = true;
                newly++;
            }
        }
        return newly;
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
