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

    /** The last command read without escapes: a bundle's tasks often repeat theirs, and share one string. */
    private String lastCommand = "";

    private BundleReader(String s) {
        super(s, 0);
    }

    /** The bundle, or null if {@code json} is not in the mapper's own form. */
    static Bundle read(String json) {
        return readOrNull(json.length(), () -> new BundleReader(json).bundle());
    }

    private Bundle bundle() {
        expect("{\"bundleId\":");
        String bundleId = string();
        expect(",\"jobId\":");
        String jobId = string();
        long dispatchedAt = key(",\"dispatchedAt\":");
        expect(",\"tasks\":[");
        List<Task> tasks = new ArrayList<>();
        while (more(tasks.isEmpty())) {
            tasks.add(task());
        }
        BundleSeal seal = null;
        if (literal(",\"seal\":{\"scope\":")) { // left out when null
            String scope = string();
            expect(",\"secret\":");
            seal = new BundleSeal(scope, string());
            expect("}");
        }
        expect("}");
        check(at == s.length());
        return new Bundle(bundleId, jobId, dispatchedAt, tasks, seal);
    }

    private Task task() {
        long seq = key("{\"seq\":");
        int line = integer(",\"line\":");
        expect(",\"command\":");
        String command = repeated(lastCommand);
        if (plain) {
            lastCommand = command;
        }
        long timeoutMs = key(",\"timeoutMs\":");
        int attempt = integer(",\"attempt\":");
        int maxAttempts = integer(",\"maxAttempts\":");
        int replica = 0;
        if (literal(",\"replica\":")) {
            replica = integer("");
            check(replica != 0); // the mapper leaves a 0 out
        }
        Map<String, String> env = Map.of();
        if (literal(",\"env\":{")) { // left out when empty
            env = env();
        }
        String files = null;
        if (literal(",\"files\":")) {
            files = string();
            check(files != null); // left out when null
        }
        List<TaskInput> inputs = List.of();
        if (literal(",\"inputs\":[")) { // left out when empty
            inputs = new ArrayList<>();
            while (more(inputs.isEmpty())) {
                inputs.add(input());
            }
            check(!inputs.isEmpty());
        }
        expect("}");
        return new Task(seq, line, command, timeoutMs, attempt, maxAttempts, replica, env, files, inputs);
    }

    /** An env's entries after its opening brace, in their order; a key twice goes to the mapper (the last one wins there). */
    private Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        do {
            if (!env.isEmpty()) {
                expect(",");
            }
            int start = at;
            String name = string();
            check(name != null && at - start - 2 <= MAX_NAME && !env.containsKey(name));
            expect(":");
            env.put(name, string());
        } while (!literal("}"));
        return env;
    }

    private TaskInput input() {
        expect("{\"name\":");
        String name = string();
        long firstSeq = key(",\"firstSeq\":");
        int count = integer(",\"count\":");
        TaskInput input = new TaskInput(name, firstSeq, count, integer(",\"firstReplica\":"));
        expect("}");
        return input;
    }
}
