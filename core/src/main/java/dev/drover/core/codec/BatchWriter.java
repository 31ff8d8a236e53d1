package dev.drover.core.codec;

import dev.drover.core.Usage;
import dev.drover.core.model.OutputFile;
import dev.drover.core.model.ResultBatch;
import dev.drover.core.model.ResultProof;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStart;
import java.util.List;

/**
 * Writes a result batch as the mapper writes one, character for character (keys in the records' order, no
 * spaces, the mapper's escapes: the form {@link BatchReader} reads), without the mapper's reflection. A
 * worker writes up to a megabyte of results a message, and the mapper's generic path took half of its
 * publishing thread's processor time.
 */
final class BatchWriter extends MapperWriter {
    /** About what a result of a short task with no output takes; the builder grows past it if need be. */
    private static final int RESULT_CHARS = 420;

    private BatchWriter(int capacity) {
        super(capacity);
    }

    static String write(ResultBatch b) {
        return write("", b);
    }

    /** {@code prefix}, then the batch: one copy of a megabyte of text fewer than joining them after. */
    static String write(String prefix, ResultBatch b) {
        BatchWriter w = new BatchWriter(prefix.length() + 256 + RESULT_CHARS * b.results().size());
        w.out.append(prefix);
        w.batch(b);
        return w.out.toString();
    }

    private void batch(ResultBatch b) {
        out.append("{\"worker\":");
        string(b.worker());
        out.append(",\"usageJob\":");
        string(b.usageJob());
        out.append(",\"usage\":");
        usage(b.usage());
        out.append(",\"duplicatesSkipped\":").append(b.duplicatesSkipped()).append(",\"results\":[");
        List<TaskResult> results = b.results();
        for (int i = 0; i < results.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            result(results.get(i));
        }
        out.append("],\"started\":[");
        List<TaskStart> started = b.started();
        for (int i = 0; i < started.size(); i++) {
            TaskStart s = started.get(i);
            out.append(i > 0 ? ",{\"jobId\":" : "{\"jobId\":");
            string(s.jobId());
            out.append(",\"seq\":").append(s.seq()).append(",\"startedAt\":").append(s.startedAt()).append('}');
        }
        out.append("],\"proofs\":[");
        List<ResultProof> proofs = b.proofs();
        for (int i = 0; i < proofs.size(); i++) {
            ResultProof p = proofs.get(i);
            out.append(i > 0 ? ",{\"scope\":" : "{\"scope\":");
            string(p.scope());
            out.append(",\"results\":");
            numbers(p.results());
            out.append(",\"started\":");
            numbers(p.started());
            out.append(",\"mac\":");
            string(p.mac());
            out.append('}');
        }
        out.append("]}");
    }

    private void usage(Usage u) {
        if (u == null) {
            out.append("null");
            return;
        }
        out.append("{\"sqsRequests\":").append(u.sqsRequests()).append(",\"dynamoWrites\":").append(u.dynamoWrites())
                .append(",\"dynamoReads\":").append(u.dynamoReads()).append(",\"s3Requests\":").append(u.s3Requests())
                .append(",\"zero\":").append(u.isZero()).append('}');
    }

    private void result(TaskResult r) {
        out.append("{\"jobId\":");
        string(r.jobId());
        out.append(",\"seq\":").append(r.seq()).append(",\"line\":").append(r.line()).append(",\"command\":");
        string(r.command());
        out.append(",\"status\":");
        if (r.status() == null) {
            out.append("null");
        } else {
            out.append('"').append(r.status().name()).append('"');
        }
        out.append(",\"exitCode\":");
        if (r.exitCode() == null) {
            out.append("null");
        } else {
            out.append(r.exitCode().intValue());
        }
        out.append(",\"stdout\":");
        string(r.stdout());
        out.append(",\"stderr\":");
        string(r.stderr());
        out.append(",\"stdoutTruncated\":").append(r.stdoutTruncated())
                .append(",\"stderrTruncated\":").append(r.stderrTruncated()).append(",\"worker\":");
        string(r.worker());
        out.append(",\"queuedAt\":").append(r.queuedAt()).append(",\"startedAt\":").append(r.startedAt())
                .append(",\"finishedAt\":").append(r.finishedAt()).append(",\"attempts\":").append(r.attempts())
                .append(",\"error\":");
        string(r.error());
        out.append(",\"replica\":").append(r.replica()).append(",\"outputs\":[");
        List<OutputFile> outputs = r.outputs();
        for (int i = 0; i < outputs.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            file(outputs.get(i));
        }
        out.append(']');
        if (r.stdoutObject() != null) { // left out when null, as the record's annotations say
            out.append(",\"stdoutObject\":");
            file(r.stdoutObject());
        }
        if (r.stderrObject() != null) {
            out.append(",\"stderrObject\":");
            file(r.stderrObject());
        }
        if (r.heldMillis() != 0) { // left out when 0
            out.append(",\"heldMillis\":").append(r.heldMillis());
        }
        out.append(",\"taskId\":");
        string(r.taskId());
        out.append('}');
    }

    private void file(OutputFile f) {
        if (f == null) {
            out.append("null");
            return;
        }
        out.append("{\"path\":");
        string(f.path());
        out.append(",\"bytes\":").append(f.bytes()).append(",\"sha256\":");
        string(f.sha256());
        out.append('}');
    }

    private void numbers(List<Long> list) {
        out.append('[');
        for (int i = 0; i < list.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(list.get(i).longValue());
        }
        out.append(']');
    }
}
