package dev.drover.core.codec;

import dev.drover.core.model.Bundle;
import dev.drover.core.model.BundleSeal;
import dev.drover.core.model.Task;
import dev.drover.core.model.TaskInput;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a bundle written exactly as the dispatcher writes one ({@link Json#write}: keys in the records' order,
 * the defaults the records' annotations leave out left out, no spaces, the mapper's escapes) into the value the
 * mapper reads from it. Anything else (another order, an unknown, missing or repeated key, a default written
 * out, an escape the mapper does not make) stops the reader at once and the mapper decodes the bundle instead,
 * so a body is read as it was and a malformed one fails as it did. Workers run their code compiled by C1 only,
 * where the mapper's decoding was about 40 % of a poller thread's samples (0.9-1.0 µs a task in a bundle of 500,
 * 2.6 µs in a bundle of one; this reader 0.25-0.3 and 0.7).
 */
final class BundleReader extends MapperText {
    /** Jackson's default limit on a name's length (an env key is a name to it): a longer key goes to the mapper, which refuses it. */
    private static final int MAX_NAME = 50_000;
    // the keys and punctuation between values, as the mapper writes them
    private static final byte[] ATTEMPT = text(",\"attempt\":");
    private static final byte[] COMMAND = text(",\"command\":");
    private static final byte[] COUNT = text(",\"count\":");
    private static final byte[] DISPATCHED_AT = text(",\"dispatchedAt\":");
    private static final byte[] ENV = text(",\"env\":{");
    private static final byte[] FILES = text(",\"files\":");
    private static final byte[] FIRST_REPLICA = text(",\"firstReplica\":");
    private static final byte[] FIRST_SEQ = text(",\"firstSeq\":");
    private static final byte[] INPUTS = text(",\"inputs\":[");
    private static final byte[] JOB_ID = text(",\"jobId\":");
    private static final byte[] LINE = text(",\"line\":");
    private static final byte[] MAX_ATTEMPTS = text(",\"maxAttempts\":");
    private static final byte[] REPLICA = text(",\"replica\":");
    private static final byte[] SEAL = text(",\"seal\":{\"scope\":");
    private static final byte[] SECRET = text(",\"secret\":");
    private static final byte[] TASKS = text(",\"tasks\":[");
    private static final byte[] TIMEOUT_MS = text(",\"timeoutMs\":");
    private static final byte[] COLON = text(":");
    private static final byte[] BUNDLE_ID = text("{\"bundleId\":");
    private static final byte[] NAME = text("{\"name\":");
    private static final byte[] SEQ = text("{\"seq\":");

    /** The last command read without escapes: a bundle's tasks often repeat theirs, and share one string. */
    private final Last lastCommand = new Last();

    private BundleReader(Encoded body) {
        super(body, 0);
    }

    /** The bundle, or null if {@code json} is not in the mapper's own form. */
    static Bundle read(String json) {
        return readOrNull(json.length(), () -> {
            Encoded encoded = Encoded.of(json);
            return encoded == null ? null : new BundleReader(encoded).bundle();
        });
    }

    private Bundle bundle() {
        expect(BUNDLE_ID);
        String bundleId = string();
        expect(JOB_ID);
        String jobId = string();
        long dispatchedAt = key(DISPATCHED_AT);
        expect(TASKS);
        List<Task> tasks = new ArrayList<>();
        while (more(tasks.isEmpty())) {
            tasks.add(task());
        }
        BundleSeal seal = null;
        if (literal(SEAL)) { // left out when null
            String scope = string();
            expect(SECRET);
            seal = new BundleSeal(scope, string());
            expect(CLOSE_OBJECT);
        }
        expect(CLOSE_OBJECT);
        check(at == b.length);
        return new Bundle(bundleId, jobId, dispatchedAt, tasks, seal);
    }

    private Task task() {
        long seq = key(SEQ);
        int line = integer(LINE);
        expect(COMMAND);
        String command = repeated(lastCommand);
        long timeoutMs = key(TIMEOUT_MS);
        int attempt = integer(ATTEMPT);
        int maxAttempts = integer(MAX_ATTEMPTS);
        int replica = 0;
        if (literal(REPLICA)) {
            replica = integer();
            check(replica != 0); // the mapper leaves a 0 out
        }
        Map<String, String> env = Map.of();
        if (literal(ENV)) { // left out when empty
            env = env();
        }
        String files = null;
        if (literal(FILES)) {
            files = string();
            check(files != null); // left out when null
        }
        List<TaskInput> inputs = List.of();
        if (literal(INPUTS)) { // left out when empty
            inputs = new ArrayList<>();
            while (more(inputs.isEmpty())) {
                inputs.add(input());
            }
            check(!inputs.isEmpty());
        }
        expect(CLOSE_OBJECT);
        return new Task(seq, line, command, timeoutMs, attempt, maxAttempts, replica, env, files, inputs);
    }

    /** An env's entries after its opening brace, in their order; a key twice goes to the mapper (the last one wins there). */
    private Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        do {
            if (!env.isEmpty()) {
                expect(COMMA);
            }
            int start = at;
            String name = string();
            // the name's text in characters, escapes counted: in bytes while that is short enough (never fewer)
            check(name != null && (at - start - 2 <= MAX_NAME || textFrom(start).length() - 2 <= MAX_NAME)
                    && !env.containsKey(name));
            expect(COLON);
            env.put(name, string());
        } while (!literal(CLOSE_OBJECT));
        return env;
    }

    private TaskInput input() {
        expect(NAME);
        String name = string();
        long firstSeq = key(FIRST_SEQ);
        int count = integer(COUNT);
        TaskInput input = new TaskInput(name, firstSeq, count, integer(FIRST_REPLICA));
        expect(CLOSE_OBJECT);
        return input;
    }
}
