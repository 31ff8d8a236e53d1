package dev.drover.core.codec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import dev.drover.core.model.OutputFile;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes a {@link TaskResult} field by field: the collector decodes every result of every batch,
 * and the mapper's own way (a buffer of creator properties, then the record's constructor by
 * reflection) costs most of that. Values of the usual types are read here; anything else (a number
 * as a string, a null for a number, a malformed value) goes to the mapper, so coercions and errors
 * are the mapper's. Unknown fields are skipped, as the record's {@code ignoreUnknown} says.
 */
final class ResultDeserializer extends StdDeserializer<TaskResult> {
    ResultDeserializer() {
        super(TaskResult.class);
    }

    @Override
    public TaskResult deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        if (!p.isExpectedStartObjectToken()) {
            return (TaskResult) ctxt.handleUnexpectedToken(TaskResult.class, p);
        }
        Fields f = new Fields();
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            p.nextToken();
            f.read(name, p, ctxt);
        }
        if (!p.hasToken(JsonToken.END_OBJECT)) {
            return (TaskResult) ctxt.handleUnexpectedToken(TaskResult.class, p);
        }
        try {
            return new TaskResult(f.strings[0], f.longs[0], f.ints[0], f.strings[1], f.status, f.exitCode, f.strings[2],
                    f.strings[3], f.stdoutTruncated, f.stderrTruncated, f.strings[4], f.longs[1], f.longs[2], f.longs[3],
                    f.ints[1], f.strings[5], f.ints[2], f.outputs, f.stdoutObject, f.stderrObject, f.longs[4]);
        } catch (RuntimeException e) {
            throw ctxt.instantiationException(TaskResult.class, e); // e.g. a null among the outputs, as the mapper says it
        }
    }

    /** One result's values while its fields are read. */
    private static final class Fields {
        /** jobId, command, stdout, stderr, worker, error. */
        final String[] strings = new String[6];
        /** seq, queuedAt, startedAt, finishedAt, heldMillis. */
        final long[] longs = new long[5];
        /** line, attempts, replica. */
        final int[] ints = new int[3];
        Integer exitCode;
        TaskStatus status;
        boolean stdoutTruncated;
        boolean stderrTruncated;
        List<OutputFile> outputs;
        OutputFile stdoutObject;
        OutputFile stderrObject;

        void read(String name, JsonParser p, DeserializationContext ctxt) throws IOException {
            switch (name) {
                case "jobId" -> strings[0] = string(p, ctxt);
                case "seq" -> longs[0] = longValue(p, ctxt);
                case "line" -> ints[0] = intValue(p, ctxt);
                case "command" -> strings[1] = string(p, ctxt);
                case "status" -> status = status(p, ctxt);
                case "exitCode" -> exitCode = p.hasToken(JsonToken.VALUE_NUMBER_INT) ? Integer.valueOf(p.getIntValue())
                        : p.hasToken(JsonToken.VALUE_NULL) ? null : ctxt.readValue(p, Integer.class);
                case "stdout" -> strings[2] = string(p, ctxt);
                case "stderr" -> strings[3] = string(p, ctxt);
                case "stdoutTruncated" -> stdoutTruncated = bool(p, ctxt);
                case "stderrTruncated" -> stderrTruncated = bool(p, ctxt);
                case "worker" -> strings[4] = string(p, ctxt);
                case "queuedAt" -> longs[1] = longValue(p, ctxt);
                case "startedAt" -> longs[2] = longValue(p, ctxt);
                case "finishedAt" -> longs[3] = longValue(p, ctxt);
                case "attempts" -> ints[1] = intValue(p, ctxt);
                case "error" -> strings[5] = string(p, ctxt);
                case "replica" -> ints[2] = intValue(p, ctxt);
                case "outputs" -> outputs = outputs(p, ctxt);
                case "stdoutObject" -> stdoutObject = output(p, ctxt);
                case "stderrObject" -> stderrObject = output(p, ctxt);
                case "heldMillis" -> longs[4] = longValue(p, ctxt);
                default -> p.skipChildren(); // taskId (derived) and fields of later versions
            }
        }
    }

    private static String string(JsonParser p, DeserializationContext ctxt) throws IOException {
        if (p.hasToken(JsonToken.VALUE_STRING)) {
            return p.getText();
        }
        return p.hasToken(JsonToken.VALUE_NULL) ? null : ctxt.readValue(p, String.class);
    }

    private static long longValue(JsonParser p, DeserializationContext ctxt) throws IOException {
        return p.hasToken(JsonToken.VALUE_NUMBER_INT) ? p.getLongValue() : ctxt.readValue(p, Long.TYPE);
    }

    private static int intValue(JsonParser p, DeserializationContext ctxt) throws IOException {
        return p.hasToken(JsonToken.VALUE_NUMBER_INT) ? p.getIntValue() : ctxt.readValue(p, Integer.TYPE);
    }

    private static boolean bool(JsonParser p, DeserializationContext ctxt) throws IOException {
        if (p.hasToken(JsonToken.VALUE_TRUE) || p.hasToken(JsonToken.VALUE_FALSE)) {
            return p.getBooleanValue();
        }
        return ctxt.readValue(p, Boolean.TYPE);
    }

    private static TaskStatus status(JsonParser p, DeserializationContext ctxt) throws IOException {
        if (p.hasToken(JsonToken.VALUE_STRING)) {
            for (TaskStatus s : TaskStatus.values()) {
                if (s.name().equals(p.getText())) {
                    return s;
                }
            }
        }
        return p.hasToken(JsonToken.VALUE_NULL) ? null : ctxt.readValue(p, TaskStatus.class);
    }

    private static OutputFile output(JsonParser p, DeserializationContext ctxt) throws IOException {
        return p.hasToken(JsonToken.VALUE_NULL) ? null : ctxt.readValue(p, OutputFile.class);
    }

    private static List<OutputFile> outputs(JsonParser p, DeserializationContext ctxt) throws IOException {
        if (!p.isExpectedStartArrayToken()) {
            return p.hasToken(JsonToken.VALUE_NULL) ? null
                    : ctxt.readValue(p, ctxt.getTypeFactory().constructCollectionType(List.class, OutputFile.class));
        }
        List<OutputFile> out = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            out.add(output(p, ctxt));
        }
        return out;
    }
}
