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
    private static final byte[][] QUOTED = Arrays.stream(STATUSES).map(t -> text(t.name() + '"')).toArray(byte[][]::new);
    // the keys and punctuation between values, as the mapper writes them
    private static final byte[] WORKER = text("{\"worker\":");
    private static final byte[] USAGE_JOB = text(",\"usageJob\":");
    private static final byte[] SQS_REQUESTS = text(",\"usage\":{\"sqsRequests\":");
    private static final byte[] DYNAMO_WRITES = text(",\"dynamoWrites\":");
    private static final byte[] DYNAMO_READS = text(",\"dynamoReads\":");
    private static final byte[] S3_REQUESTS = text(",\"s3Requests\":");
    private static final byte[] ZERO = text(",\"zero\":");
    private static final byte[] DUPLICATES = text("},\"duplicatesSkipped\":");
    private static final byte[] RESULTS = text(",\"results\":[");
    private static final byte[] STARTED = text(",\"started\":[");
    private static final byte[] START = text("{\"jobId\":");
    private static final byte[] SEQ = text(",\"seq\":");
    private static final byte[] STARTED_AT = text(",\"startedAt\":");
    private static final byte[] PROOFS = text(",\"proofs\":[");
    private static final byte[] SCOPE = text("{\"scope\":");
    private static final byte[] MAC = text(",\"mac\":");
    private static final byte[] LINE = text(",\"line\":");
    private static final byte[] COMMAND = text(",\"command\":");
    private static final byte[] STATUS = text(",\"status\":\"");
    private static final byte[] EXIT_CODE = text(",\"exitCode\":");
    private static final byte[] STDOUT = text(",\"stdout\":");
    private static final byte[] STDERR = text(",\"stderr\":");
    private static final byte[] STDOUT_TRUNCATED = text(",\"stdoutTruncated\":");
    private static final byte[] STDERR_TRUNCATED = text(",\"stderrTruncated\":");
    private static final byte[] RESULT_WORKER = text(",\"worker\":");
    private static final byte[] QUEUED_AT = text(",\"queuedAt\":");
    private static final byte[] FINISHED_AT = text(",\"finishedAt\":");
    private static final byte[] ATTEMPTS = text(",\"attempts\":");
    private static final byte[] ERROR = text(",\"error\":");
    private static final byte[] REPLICA = text(",\"replica\":");
    private static final byte[] OUTPUTS = text(",\"outputs\":[");
    private static final byte[] STDOUT_OBJECT = text(",\"stdoutObject\":");
    private static final byte[] STDERR_OBJECT = text(",\"stderrObject\":");
    private static final byte[] HELD = text(",\"heldMillis\":");
    private static final byte[] TASK_ID = text(",\"taskId\":");
    private static final byte[] SLASH = text("/");
    private static final byte[] PATH = text("{\"path\":");
    private static final byte[] BYTES = text(",\"bytes\":");
    private static final byte[] SHA256 = text(",\"sha256\":");

    /** The last job id and worker read without escapes: most results repeat them, and share one string. */
    private final Last lastJob = new Last();
    private final Last lastWorker = new Last();

    private BatchReader(Encoded body, int from) {
        super(body, from);
    }

    /**
     * The batch with each result's text, or null if {@code body} from {@code from} on (past a header, so the body
     * is not copied without it) is not in the mapper's own form.
     */
    static ResultBatch read(String body, int from) {
        return readOrNull(body.length() - from, () -> {
            Encoded encoded = Encoded.of(body);
            return encoded == null ? null : new BatchReader(encoded, encoded.offsetOf(body, from)).batch();
        });
    }

    private ResultBatch batch() {
        expect(WORKER);
        String worker = string();
        expect(USAGE_JOB);
        String usageJob = string();
        expect(SQS_REQUESTS);
        Usage usage = new Usage(number(), key(DYNAMO_WRITES), key(DYNAMO_READS), key(S3_REQUESTS));
        expect(ZERO);
        check(bool() == usage.isZero());
        expect(DUPLICATES);
        long duplicates = number();
        expect(RESULTS);
        List<TaskResult> results = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        while (more(results.isEmpty())) {
            int start = at;
            results.add(result());
            texts.add(textFrom(start));
        }
        expect(STARTED);
        List<TaskStart> started = new ArrayList<>();
        while (more(started.isEmpty())) {
            expect(START);
            String jobId = string();
            started.add(new TaskStart(jobId, key(SEQ), key(STARTED_AT)));
            expect(CLOSE_OBJECT);
        }
        expect(PROOFS);
        List<ResultProof> proofs = new ArrayList<>();
        while (more(proofs.isEmpty())) {
            expect(SCOPE);
            String scope = string();
            expect(RESULTS);
            List<Long> rs = numbers();
            expect(STARTED);
            List<Long> ss = numbers();
            expect(MAC);
            proofs.add(new ResultProof(scope, rs, ss, string()));
            expect(CLOSE_OBJECT);
        }
        expect(CLOSE_OBJECT);
        check(at == b.length);
        return new ResultBatch(worker, usageJob, usage, duplicates, results, started, proofs, texts);
    }

    private TaskResult result() {
        expect(START);
        String jobId = repeated(lastJob);
        boolean plainJob = plain;
        long seq = key(SEQ);
        int line = integer(LINE);
        expect(COMMAND);
        String command = string();
        expect(STATUS);
        TaskStatus status = status();
        expect(EXIT_CODE);
        Integer exitCode = literal(NULL) ? null : integer();
        expect(STDOUT);
        String stdout = string();
        expect(STDERR);
        String stderr = string();
        expect(STDOUT_TRUNCATED);
        boolean stdoutTruncated = bool();
        expect(STDERR_TRUNCATED);
        boolean stderrTruncated = bool();
        expect(RESULT_WORKER);
        String worker = repeated(lastWorker);
        long queuedAt = key(QUEUED_AT);
        long startedAt = key(STARTED_AT);
        long finishedAt = key(FINISHED_AT);
        int attempts = integer(ATTEMPTS);
        expect(ERROR);
        String error = string();
        int replica = integer(REPLICA);
        expect(OUTPUTS);
        List<OutputFile> outputs = List.of(); // most results have none: no list made and copied for them
        if (more(true)) {
            outputs = new ArrayList<>();
            do {
                outputs.add(file());
            } while (more(false));
        }
        OutputFile stdoutObject = literal(STDOUT_OBJECT) ? file() : null;
        OutputFile stderrObject = literal(STDERR_OBJECT) ? file() : null;
        long held = 0;
        if (literal(HELD)) {
            held = number();
            check(held != 0); // the mapper leaves a 0 out
        }
        expect(TASK_ID);
        if (plainJob) { // the job id written without escapes: the task id's text is Task.id's, "<job>/<seq>"
            expect(QUOTE);
            check(literal(lastJob.text()));
            expect(SLASH);
            check(number() == seq);
            expect(QUOTE);
        } else {
            check(Task.id(jobId, seq).equals(string()));
        }
        expect(CLOSE_OBJECT);
        return new TaskResult(jobId, seq, line, command, status, exitCode, stdout, stderr, stdoutTruncated,
                stderrTruncated, worker, queuedAt, startedAt, finishedAt, attempts, error, replica, outputs,
                stdoutObject, stderrObject, held);
    }

    private OutputFile file() {
        expect(PATH);
        String path = string();
        long bytes = key(BYTES);
        expect(SHA256);
        String sha = string();
        expect(CLOSE_OBJECT);
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
