package dev.drover.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.drover.core.codec.Json;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import java.io.IOException;

/**
 * What following a job needs of one result line: its task number, workload line, status and
 * latency; the whole {@link TaskResult} is decoded only for a task that is printed ({@link #full}).
 * The scheduler writes results compactly in the record's order, so the five fields are found by
 * scanning for their keys in that order: a key cannot occur inside a string value (its quotes would
 * be escaped) and the nested objects ({@code outputs}) come after them. A line written otherwise
 * (spaces, another order) is read with Jackson's streaming parser, top-level fields only.
 */
record ResultLine(long seq, int line, TaskStatus status, long queuedAt, long finishedAt, String json) {
    private static final JsonFactory FACTORY = Json.MAPPER.getFactory();
    private static final TaskStatus[] STATUSES = TaskStatus.values();

    /** The line's fields, or an {@link IllegalArgumentException} naming what is missing or malformed. */
    static ResultLine parse(String json) {
        int at = after(json, "\"seq\":", 0);
        long seq = number(json, at);
        at = after(json, "\"line\":", at);
        long line = number(json, at);
        at = after(json, "\"status\":\"", at);
        TaskStatus status = status(json, at);
        at = after(json, "\"queuedAt\":", at);
        long queuedAt = number(json, at);
        at = after(json, "\"finishedAt\":", at);
        long finishedAt = number(json, at);
        if (at < 0 || status == null || seq == Long.MIN_VALUE || line == Long.MIN_VALUE || queuedAt == Long.MIN_VALUE
                || finishedAt == Long.MIN_VALUE || line != (int) line) {
            return streamed(json);
        }
        return new ResultLine(seq, (int) line, status, queuedAt, finishedAt, json);
    }

    /** Index just past {@code key} at or after {@code from}; -1 if absent or {@code from} is -1. */
    private static int after(String json, String key, int from) {
        if (from < 0) {
            return -1;
        }
        int i = json.indexOf(key, from);
        return i < 0 ? -1 : i + key.length();
    }

    /** The integer at {@code at}, or {@link Long#MIN_VALUE} if there is none (or it overflows). */
    private static long number(String json, int at) {
        if (at < 0 || at >= json.length()) {
            return Long.MIN_VALUE;
        }
        boolean negative = json.charAt(at) == '-';
        int i = negative ? at + 1 : at;
        long n = 0;
        int digits = 0;
        for (; i < json.length() && json.charAt(i) >= '0' && json.charAt(i) <= '9' && digits < 18; i++, digits++) {
            n = n * 10 + (json.charAt(i) - '0');
        }
        boolean ends = i == json.length() || json.charAt(i) == ',' || json.charAt(i) == '}';
        return digits == 0 || !ends ? Long.MIN_VALUE : negative ? -n : n;
    }

    private static TaskStatus status(String json, int at) {
        if (at < 0) {
            return null;
        }
        int end = json.indexOf('"', at);
        for (TaskStatus s : STATUSES) {
            String name = s.name();
            if (end - at == name.length() && json.startsWith(name, at)) {
                return s;
            }
        }
        return null;
    }

    /** The same fields by Jackson's streaming parser, for a line not written as the scheduler writes it. */
    private static ResultLine streamed(String json) {
        long seq = -1;
        int line = 0;
        TaskStatus status = null;
        long queuedAt = 0;
        long finishedAt = 0;
        try (JsonParser p = FACTORY.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("a result is a JSON object: " + json);
            }
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "seq" -> seq = p.getLongValue();
                    case "line" -> line = p.getIntValue();
                    case "status" -> status = TaskStatus.valueOf(p.getText());
                    case "queuedAt" -> queuedAt = p.getLongValue();
                    case "finishedAt" -> finishedAt = p.getLongValue();
                    default -> {
                        if (value.isStructStart()) {
                            p.skipChildren();
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("unreadable result: " + e.getMessage(), e);
        }
        if (status == null) {
            throw new IllegalArgumentException("a result without a status: " + json);
        }
        return new ResultLine(seq, line, status, queuedAt, finishedAt, json);
    }

    boolean succeeded() {
        return status == TaskStatus.SUCCEEDED;
    }

    long latencyMillis() {
        return Math.max(0, finishedAt - queuedAt);
    }

    /** The whole result, decoded. */
    TaskResult full() {
        return Json.result(json);
    }
}
