package dev.drover.bench.suite;

import dev.drover.core.model.TaskResult;
import dev.drover.core.port.Fence;
import dev.drover.core.port.JobRecord;
import dev.drover.core.port.JobStore;
import dev.drover.core.port.ResultChunk;
import dev.drover.core.port.ReplicaStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * DynamoDB-like calls of the in-memory job and replica stores, counted as {@link Counting} counts the
 * queues and claims: one request a call (a fenced chunk, a transaction on DynamoDB, counts as one), on the
 * replica's meter and by kind ("scheduler.jobs.save", "scheduler.replicas.beat", ...).
 */
final class CountingTables {
    private CountingTables() {}

    /** One meter and name for a replica's calls. */
    private record Counter(Counting.Meter meter, Counting.ByCall byCall, String name) {
        void write(String kind) {
            meter.add(0, 1, 0);
            byCall.add(name + "." + kind, 1);
        }

        void read(String kind) {
            meter.add(0, 0, 1);
            byCall.add(name + "." + kind, 1);
        }
    }

    static JobStore jobs(JobStore inner, Counting.Meter meter, Counting.ByCall byCall, String name) {
        return new Jobs(inner, new Counter(meter, byCall, name));
    }

    static ReplicaStore replicas(ReplicaStore inner, Counting.Meter meter, Counting.ByCall byCall, String name) {
        return new Replicas(inner, new Counter(meter, byCall, name));
    }

    private record Jobs(JobStore inner, Counter c) implements JobStore {
        @Override
        public void save(JobRecord job) {
            c.write("save");
            inner.save(job);
        }

        @Override
        public void save(JobRecord job, Fence fence) {
            c.write("save");
            inner.save(job, fence);
        }

        @Override
        public Optional<JobRecord> get(String jobId) {
            c.read("get");
            return inner.get(jobId);
        }

        @Override
        public String claimIdempotencyKey(String user, String key, String jobId) {
            c.write("idempotencyKey");
            return inner.claimIdempotencyKey(user, key, jobId);
        }

        @Override
        public List<JobRecord> list() {
            c.read("list");
            return inner.list();
        }

        @Override
        public void appendResults(String jobId, String chunkId, List<TaskResult> results) {
            c.write("appendResults");
            inner.appendResults(jobId, chunkId, results);
        }

        @Override
        public void appendResults(String jobId, String chunkId, List<TaskResult> results, Fence fence) {
            c.write("appendResults");
            inner.appendResults(jobId, chunkId, results, fence);
        }

        @Override
        public void appendResults(String jobId, String chunkId, List<TaskResult> results, List<String> jsonLines) {
            c.write("appendResults");
            inner.appendResults(jobId, chunkId, results, jsonLines);
        }

        @Override
        public void appendResults(String jobId, String chunkId, List<TaskResult> results, List<String> jsonLines, Fence fence) {
            c.write("appendResults");
            inner.appendResults(jobId, chunkId, results, jsonLines, fence);
        }

        @Override
        public void appendResults(String jobId, List<ResultChunk> chunks) {
            chunks.forEach(ch -> c.write("appendResults")); // billed an item each, in one call or many
            inner.appendResults(jobId, chunks);
        }

        @Override
        public void appendResults(String jobId, List<ResultChunk> chunks, Fence fence) {
            chunks.forEach(ch -> c.write("appendResults"));
            inner.appendResults(jobId, chunks, fence);
        }

        @Override
        public void forEachResult(String jobId, Consumer<TaskResult> consumer) {
            c.read("forEachResult");
            inner.forEachResult(jobId, consumer);
        }

        @Override
        public void delete(String jobId) {
            c.write("delete");
            inner.delete(jobId);
        }

        @Override
        public void expireAt(String jobId, Instant at) {
            c.write("expireAt");
            inner.expireAt(jobId, at);
        }
    }

    private record Replicas(ReplicaStore inner, Counter c) implements ReplicaStore {
        @Override
        public void beat(Beat beat) {
            c.write("beat");
            inner.beat(beat);
        }

        @Override
        public void leave(String replica) {
            c.write("leave");
            inner.leave(replica);
        }

        @Override
        public List<Beat> replicas() {
            c.read("replicas");
            return inner.replicas();
        }

        @Override
        public List<Owner> unfinished() {
            c.read("unfinished");
            return inner.unfinished();
        }

        @Override
        public Optional<Owner> owner(String jobId) {
            c.read("owner");
            return inner.owner(jobId);
        }

        @Override
        public boolean take(String jobId, String replica, long seen) {
            c.write("take");
            return inner.take(jobId, replica, seen);
        }

        @Override
        public boolean lead(String name, String replica, Optional<String> staleHolder) {
            c.write("lead");
            return inner.lead(name, replica, staleHolder);
        }

        @Override
        public Optional<String> leader(String name) {
            c.read("leader");
            return inner.leader(name);
        }
    }
}
