package dev.drover.core.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.drover.core.model.Bundle;
import dev.drover.core.model.ResultBatch;
import dev.drover.core.model.TaskResult;
import java.io.UncheckedIOException;
import java.util.List;

/** The one JSON codec of Drover's messages, results and API bodies. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final ObjectReader BUNDLE_READER = MAPPER.readerFor(Bundle.class);
    private static final ObjectReader BATCH_READER = MAPPER.readerFor(ResultBatch.class);
    private static final ObjectReader RESULT_READER = MAPPER.readerFor(TaskResult.class);
    private static final ObjectWriter WRITER = MAPPER.writer();

    private Json() {}

    /**
     * The characters of {@code lines} joined with one separator character each: the exact size for a builder
     * that joins results' JSON (a guess too small grows, and copies, a megabyte of text twice or more).
     */
    public static int joinedLength(List<String> lines) {
        int chars = lines.size();
        for (String line : lines) {
            chars += line.length();
        }
        return chars;
    }

    public static String write(Object value) {
        try {
            return WRITER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static <T> T read(String json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a valid " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }

    /**
     * A bundle message's body: one in the form the dispatcher writes ({@link #write}) is read by {@link BundleReader}
     * into the same value, without the mapper's reflection (workers run C1 code, where the mapper was most of a
     * poller's time); any other body, a malformed one included, is read by the mapper.
     */
    public static Bundle bundle(String json) {
        Bundle bundle = BundleReader.read(json);
        return bundle != null ? bundle : read(BUNDLE_READER, json);
    }

    /** A bundle message's body: the mapper's text ({@link #write}) without its reflection ({@link BundleWriter}). */
    public static String bundleBody(Bundle bundle) {
        return BundleWriter.write(bundle);
    }

    /** A result message's body: its {@link Route} header, then the batch as the mapper writes it ({@link BatchWriter}). */
    public static String routed(ResultBatch batch) {
        return BatchWriter.write(Route.of(batch).header(), batch);
    }

    /** Reads a result message's body, with a {@link Route} header or without (as written before routes). */
    public static ResultBatch resultBatch(String body) {
        int end = Route.end(body);
        return read(BATCH_READER, end == 0 ? body : body.substring(end));
    }

    /**
     * A result message as the collector reads it: a body in the form this codec writes (every worker's) is
     * read by {@link BatchReader}, which keeps each result's text ({@link ResultBatch#resultJson()}), so the
     * scheduler stores that text instead of encoding the result again; any other body is read by the mapper.
     * A {@link Route} header in front is skipped, as {@link #resultBatch} skips it.
     */
    public static ResultBatch receivedBatch(String body) {
        int end = Route.end(body);
        ResultBatch batch = BatchReader.read(body, end);
        return batch != null ? batch : read(BATCH_READER, body.substring(end));
    }

    public static TaskResult result(String json) {
        return read(RESULT_READER, json);
    }

    private static <T> T read(ObjectReader reader, String json) {
        try {
            return reader.readValue(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("malformed message: " + e.getOriginalMessage(), e);
        }
    }
}
