package dev.drover.core.codec;

import dev.drover.core.Usage;
import dev.drover.core.model.OutputFile;
import dev.drover.core.model.ResultBatch;
import dev.drover.core.model.ResultProof;
import dev.drover.core.model.Task;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStart;
import dev.drover.core.model.TaskStatus;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a result batch written exactly as {@link Json#write} writes one (keys in the records' order, no
 * spaces, the mapper's escapes), keeping each result's own text. Anything else (a space, another order, an
 * unknown or missing key, a default the mapper leaves out, an escape it does not make) stops the reader at
 * once and the mapper decodes the message instead. So every batch read here is the one text the mapper
 * gives its values: each result's slice is {@code Json.write} of the result decoded from it, and writing
 * the slice is writing the decoded, validated result.
 */
final class BatchReader extends MapperText {
    private static final TaskStatus[] STATUSES = TaskStatus.values();
    /** Each status's name and closing quote, by ordinal. */
    private static final String[] QUOTED = Arrays.stream(STATUSES).map(t -> t.name() + '"').toArray(String[]::new);

    /** The last job id and worker read without escapes: most results repeat them, and share one string. */
    private String lastJob = "";
    private String lastWorker = "";

    private BatchReader(String s, int from) {
        super(s, from);
    }

    /**
     * The batch with each result's text, or null if {@code body} from {@code from} on (past a header, so the body
     * is not copied without it) is not in the mapper's own form.
     */
    static ResultBatch read(String body, int from) {
        return readOrNull(body.length() - from, () -> new BatchReader(body, from).batch());
    }

    private ResultBatch batch() {
        expect("{\"worker\":");
        String worker = string();
        expect(",\"usageJob\":");
        String usageJob = string();
        expect(",\"usage\":{\"sqsRequests\":");
        Usage usage = new Usage(number(), key(",\"dynamoWrites\":"), key(",\"dynamoReads\":"), key(",\"s3Requests\":"));
        expect(",\"zero\":");
        check(bool() == usage.isZero());
        expect("},\"duplicatesSkipped\":");
        long duplicates = number();
        expect(",\"results\":[");
        List<TaskResult> results = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        while (more(results.isEmpty())) {
            int start = at;
            results.add(result());
            texts.add(s.substring(start, at));
        }
        expect(",\"started\":[");
        List<TaskStart> started = new ArrayList<>();
        while (more(started.isEmpty())) {
            expect("{\"jobId\":");
            String jobId = string();
            started.add(new TaskStart(jobId, key(",\"seq\":"), key(",\"startedAt\":")));
            expect("}");
        }
        expect(",\"proofs\":[");
        List<ResultProof> proofs = new ArrayList<>();
        while (more(proofs.isEmpty())) {
            expect("{\"scope\":");
            String scope = string();
            expect(",\"results\":[");
            List<Long> rs = numbers();
            expect(",\"started\":[");
            List<Long> ss = numbers();
            expect(",\"mac\":");
            proofs.add(new ResultProof(scope, rs, ss, string()));
            expect("}");
        }
        expect("}");
        check(at == s.length());
        return new ResultBatch(worker, usageJob, usage, duplicates, results, started, proofs, texts);
    }

    private TaskResult result() {
        expect("{\"jobId\":");
        String jobId = repeated(lastJob);
        boolean plainJob = plain;
        if (plainJob) {
            lastJob = jobId;
        }
        long seq = key(",\"seq\":");
        int line = integer(",\"line\":");
        expect(",\"command\":");
        String command = string();
        expect(",\"status\":\"");
        TaskStatus status = status();
        expect(",\"exitCode\":");
        Integer exitCode = literal("null") ? null : integer("");
        expect(",\"stdout\":");
        String stdout = string();
        expect(",\"stderr\":");
        String stderr = string();
        expect(",\"stdoutTruncated\":");
        boolean stdoutTruncated = bool();
        expect(",\"stderrTruncated\":");
        boolean stderrTruncated = bool();
        expect(",\"worker\":");
        String worker = repeated(lastWorker);
        if (plain) {
            lastWorker = worker;
        }
        long queuedAt = key(",\"queuedAt\":");
        long startedAt = key(",\"startedAt\":");
        long finishedAt = key(",\"finishedAt\":");
        int attempts = integer(",\"attempts\":");
        expect(",\"error\":");
        String error = string();
        int replica = integer(",\"replica\":");
        expect(",\"outputs\":[");
        List<OutputFile> outputs = List.of(); // most results have none: no list made and copied for them
        if (more(true)) {
            outputs = new ArrayList<>();
            do {
                outputs.add(file());
            } while (more(false));
        }
        OutputFile stdoutObject = literal(",\"stdoutObject\":") ? file() : null;
        OutputFile stderrObject = literal(",\"stderrObject\":") ? file() : null;
        long held = 0;
        if (literal(",\"heldMillis\":")) {
            held = number();
            check(held != 0); // the mapper leaves a 0 out
        }
        expect(",\"taskId\":");
        if (plainJob) { // the job id written without escapes: the task id's text is Task.id's, "<job>/<seq>"
            expect("\"");
            check(literal(jobId));
            expect("/");
            check(number() == seq);
            expect("\"");
        } else {
            check(Task.id(jobId, seq).equals(string()));
        }
        expect("}");
        return new TaskResult(jobId, seq, line, command, status, exitCode, stdout, stderr, stdoutTruncated,
                stderrTruncated, worker, queuedAt, startedAt, finishedAt, attempts, error, replica, outputs,
                stdoutObject, stderrObject, held);
    }

    private OutputFile file() {
        expect("{\"path\":");
        String path = string();
        long bytes = key(",\"bytes\":");
        expect(",\"sha256\":");
        String sha = string();
        expect("}");
        return new OutputFile(path, bytes, sha);
    }

    private List<Long> numbers() {
        List<Long> list = new ArrayList<>();
        while (more(list.isEmpty())) {
            list.add(number());
        }
        return list;
    }

    private TaskStatus status() {
        for (int i = 0; i < QUOTED.length; i++) {
            if (literal(QUOTED[i])) {
                return STATUSES[i];
            }
        }
        throw NOT_CANONICAL;
    }
}
