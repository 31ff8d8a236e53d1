package dev.drover.core.codec;

import dev.drover.core.model.Bundle;
import dev.drover.core.model.Task;
import dev.drover.core.model.TaskInput;
import java.util.List;
import java.util.Map;

/**
 * Writes a bundle as the mapper writes one, character for character (keys in the records' order, the defaults the
 * records' annotations leave out left out, no spaces, the mapper's escapes: the form {@link BundleReader} reads),
 * without the mapper's reflection, which was a quarter of the dispatcher's samples on {@code sleep 0} bundles.
 */
final class BundleWriter extends MapperWriter {
    /** About what a task of a short command with no env, files or inputs takes; the builder grows past it if need be. */
    private static final int TASK_CHARS = 90;

    private BundleWriter(int capacity) {
        super(capacity);
    }

    static String write(Bundle b) {
        BundleWriter w = new BundleWriter(256 + TASK_CHARS * b.tasks().size());
        w.bundle(b);
        return w.out.toString();
    }

    private void bundle(Bundle b) {
        out.append("{\"bundleId\":");
        string(b.bundleId());
        out.append(",\"jobId\":");
        string(b.jobId());
        out.append(",\"dispatchedAt\":").append(b.dispatchedAt()).append(",\"tasks\":[");
        List<Task> tasks = b.tasks();
        for (int i = 0; i < tasks.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            task(tasks.get(i));
        }
        out.append(']');
        if (b.seal() != null) { // left out when null, as the record's annotations say
            out.append(",\"seal\":{\"scope\":");
            string(b.seal().scope());
            out.append(",\"secret\":");
            string(b.seal().secret());
            out.append('}');
        }
        out.append('}');
    }

    private void task(Task t) {
        out.append("{\"seq\":").append(t.seq()).append(",\"line\":").append(t.line()).append(",\"command\":");
        string(t.command());
        out.append(",\"timeoutMs\":").append(t.timeoutMs()).append(",\"attempt\":").append(t.attempt())
                .append(",\"maxAttempts\":").append(t.maxAttempts());
        if (t.replica() != 0) { // left out when 0
            out.append(",\"replica\":").append(t.replica());
        }
        if (!t.env().isEmpty()) { // left out when empty
            out.append(",\"env\":{");
            boolean first = true;
            for (Map.Entry<String, String> e : t.env().entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                string(e.getKey());
                out.append(':');
                string(e.getValue());
            }
            out.append('}');
        }
        if (t.files() != null) { // left out when null
            out.append(",\"files\":");
            string(t.files());
        }
        if (!t.inputs().isEmpty()) { // left out when empty
            out.append(",\"inputs\":[");
            for (int i = 0; i < t.inputs().size(); i++) {
                TaskInput in = t.inputs().get(i);
                out.append(i > 0 ? ",{\"name\":" : "{\"name\":");
                string(in.name());
                out.append(",\"firstSeq\":").append(in.firstSeq()).append(",\"count\":").append(in.count())
                        .append(",\"firstReplica\":").append(in.firstReplica()).append('}');
            }
            out.append(']');
        }
        out.append('}');
    }
}
