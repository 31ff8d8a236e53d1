package dev.drover.core.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SegmentedStringWriter;
import com.fasterxml.jackson.core.util.BufferRecycler;
import dev.drover.core.model.Bundle;
import dev.drover.core.model.BundleSeal;
import dev.drover.core.model.OutputFile;
import dev.drover.core.model.Task;
import dev.drover.core.model.TaskInput;
import dev.drover.core.model.TaskResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The two hot encodings, bundles (the dispatcher, every task) and results (the collector, every
 * result), written field by field on Jackson's streaming generator: the same text as the mapper's
 * (same field order, inclusion rules and escaping; a test compares them), without its reflective
 * record accessors, which cost most of an encoding.
 */
final class ModelJson {
    private ModelJson() {}

    @FunctionalInterface
    private interface Fields<T> {
        void write(JsonGenerator g, T value) throws IOException;
    }

    static String bundle(Bundle b) {
        return write(b, ModelJson::bundle);
    }

    static String result(TaskResult r) {
        return write(r, ModelJson::result);
    }

    private static <T> String write(T value, Fields<T> fields) {
        JsonFactory factory = Json.MAPPER.getFactory();
        SegmentedStringWriter out = new SegmentedStringWriter(new BufferRecycler());
        try {
            try (JsonGenerator g = factory.createGenerator(out)) {
                fields.write(g, value);
            }
            return out.getAndClear();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void bundle(JsonGenerator g, Bundle b) throws IOException {
        g.writeStartObject();
        g.writeStringField("bundleId", b.bundleId());
        g.writeStringField("jobId", b.jobId());
        g.writeNumberField("dispatchedAt", b.dispatchedAt());
        g.writeArrayFieldStart("tasks");
        for (Task t : b.tasks()) {
            task(g, t);
        }
        g.writeEndArray();
        BundleSeal seal = b.seal();
        if (seal != null) {
            g.writeObjectFieldStart("seal");
            g.writeStringField("scope", seal.scope());
            g.writeStringField("secret", seal.secret());
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private static void task(JsonGenerator g, Task t) throws IOException {
        g.writeStartObject();
        g.writeNumberField("seq", t.seq());
        g.writeNumberField("line", t.line());
        g.writeStringField("command", t.command());
        g.writeNumberField("timeoutMs", t.timeoutMs());
        g.writeNumberField("attempt", t.attempt());
        g.writeNumberField("maxAttempts", t.maxAttempts());
        if (t.replica() != 0) {
            g.writeNumberField("replica", t.replica());
        }
        if (!t.env().isEmpty()) {
            g.writeObjectFieldStart("env");
            for (Map.Entry<String, String> e : t.env().entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
        }
        if (t.files() != null) {
            g.writeStringField("files", t.files());
        }
        if (!t.inputs().isEmpty()) {
            g.writeArrayFieldStart("inputs");
            for (TaskInput in : t.inputs()) {
                g.writeStartObject();
                g.writeStringField("name", in.name());
                g.writeNumberField("firstSeq", in.firstSeq());
                g.writeNumberField("count", in.count());
                g.writeNumberField("firstReplica", in.firstReplica());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    private static void result(JsonGenerator g, TaskResult r) throws IOException {
        g.writeStartObject();
        g.writeStringField("jobId", r.jobId());
        g.writeNumberField("seq", r.seq());
        g.writeNumberField("line", r.line());
        g.writeStringField("command", r.command());
        g.writeStringField("status", r.status() == null ? null : r.status().name());
        g.writeFieldName("exitCode");
        if (r.exitCode() == null) {
            g.writeNull();
        } else {
            g.writeNumber(r.exitCode());
        }
        g.writeStringField("stdout", r.stdout());
        g.writeStringField("stderr", r.stderr());
        g.writeBooleanField("stdoutTruncated", r.stdoutTruncated());
        g.writeBooleanField("stderrTruncated", r.stderrTruncated());
        g.writeStringField("worker", r.worker());
        g.writeNumberField("queuedAt", r.queuedAt());
        g.writeNumberField("startedAt", r.startedAt());
        g.writeNumberField("finishedAt", r.finishedAt());
        g.writeNumberField("attempts", r.attempts());
        g.writeStringField("error", r.error());
        g.writeNumberField("replica", r.replica());
        g.writeArrayFieldStart("outputs");
        for (OutputFile o : r.outputs()) {
            output(g, o);
        }
        g.writeEndArray();
        if (r.stdoutObject() != null) {
            g.writeFieldName("stdoutObject");
            output(g, r.stdoutObject());
        }
        if (r.stderrObject() != null) {
            g.writeFieldName("stderrObject");
            output(g, r.stderrObject());
        }
        if (r.heldMillis() != 0) {
            g.writeNumberField("heldMillis", r.heldMillis());
        }
        g.writeStringField("taskId", r.taskId());
        g.writeEndObject();
    }

    private static void output(JsonGenerator g, OutputFile o) throws IOException {
        g.writeStartObject();
        g.writeStringField("path", o.path());
        g.writeNumberField("bytes", o.bytes());
        g.writeStringField("sha256", o.sha256());
        g.writeEndObject();
    }
}
