package dev.drover.core.worker;

import dev.drover.core.model.BundleSeal;
import dev.drover.core.model.ResultProof;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStart;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Gathers one result message's results and starts by the seal of their bundle, and signs each group. */
final class BatchProofs {
    private final Map<BundleSeal, List<TaskResult>> results = new LinkedHashMap<>();
    private final Map<BundleSeal, List<TaskStart>> starts = new LinkedHashMap<>();

    /** An item of an unsealed bundle gets no proof (a scheduler drops it). */
    void result(BundleSeal seal, TaskResult result) {
        if (seal != null) {
            results.computeIfAbsent(seal, s -> new ArrayList<>()).add(result);
        }
    }

    void start(BundleSeal seal, TaskStart start) {
        if (seal != null) {
            starts.computeIfAbsent(seal, s -> new ArrayList<>()).add(start);
        }
    }

    List<ResultProof> proofs() {
        Set<BundleSeal> seals = new LinkedHashSet<>(results.keySet());
        seals.addAll(starts.keySet());
        List<ResultProof> proofs = new ArrayList<>(seals.size());
        for (BundleSeal seal : seals) {
            proofs.add(ResultProof.sign(seal, results.getOrDefault(seal, List.of()), starts.getOrDefault(seal, List.of())));
        }
        return proofs;
    }
}
