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
final class BatchReader {
    /** Thrown at the first character the mapper would not have written; no stack, it is a branch. */
    private static final RuntimeException NOT_CANONICAL = new RuntimeException("not in the mapper's form", null, false, false) { };
    private static final TaskStatus[] STATUSES = TaskStatus.values();
    /** Each status's name and closing quote, by ordinal. */
    private static final String[] QUOTED = Arrays.stream(STATUSES).map(t -> t.name() + '"').toArray(String[]::new);
    /** Jackson's default read limit on a string's length: a longer body goes to the mapper, which decides. */
    private static final int MAX_LENGTH = 20_000_000;

    private final String s;
    private int at;
    /** The last job id and worker read without escapes: most results repeat them, and share one string. */
    private String lastJob = "";
    private String lastWorker = "";
    /** Whether the last {@link #repeated} string was written without escapes (its text is its value). */
    private boolean plain;

    private BatchReader(String s) {
        this.s = s;
    }

    /** The batch with each result's text, or null if {@code json} is not in the mapper's own form. */
    static ResultBatch read(String json) {
        if (json.length() > MAX_LENGTH) {
            return null;
        }
        try {
            return new BatchReader(json).batch();
        } catch (RuntimeException e) {
            return null; // not the mapper's form, or cut short: the mapper reads it, or says what is wrong
        }
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
        List<OutputFile> outputs = new ArrayList<>();
        while (more(outputs.isEmpty())) {
            outputs.add(file());
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

    /** Before an array's next item: true if there is one (after its comma), false past the closing bracket. */
    private boolean more(boolean first) {
        if (literal("]")) {
            return false;
        }
        if (!first) {
            expect(",");
        }
        return true;
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

    private long key(String key) {
        expect(key);
        return number();
    }

    private int integer(String key) {
        long n = key(key);
        check(n == (int) n);
        return (int) n;
    }

    /** An integer as the mapper writes a long: no plus sign, no leading zero, no "-0", no fraction or exponent. */
    private long number() {
        int start = at;
        boolean negative = s.charAt(at) == '-';
        if (negative) {
            at++;
        }
        int digits = at;
        while (at < s.length() && s.charAt(at) >= '0' && s.charAt(at) <= '9') {
            at++;
        }
        int n = at - digits;
        check(n > 0 && (s.charAt(digits) != '0' || n == 1 && !negative));
        if (n <= 18) {
            long v = 0;
            for (int i = digits; i < at; i++) {
                v = v * 10 + (s.charAt(i) - '0');
            }
            return negative ? -v : v;
        }
        try {
            return Long.parseLong(s, start, at, 10);
        } catch (NumberFormatException e) {
            throw NOT_CANONICAL;
        }
    }

    private boolean bool() {
        if (literal("true")) {
            return true;
        }
        expect("false");
        return false;
    }

    /**
     * A string or null: {@code previous} itself (written without escapes) if the text is that again, else the
     * string read; {@link #plain} says whether it was written without escapes.
     */
    private String repeated(String previous) {
        int end = at + 1 + previous.length();
        if (end < s.length() && s.charAt(at) == '"' && s.startsWith(previous, at + 1) && s.charAt(end) == '"') {
            at = end + 1;
            plain = true;
            return previous;
        }
        int start = at;
        String read = string();
        plain = read != null && at - start == read.length() + 2;
        return read;
    }

    /** A string or null, with exactly the mapper's escapes: {@code \" \\ \b \t \n \f \r} and {@code \\u00XX} for the other controls. */
    private String string() {
        if (literal("null")) {
            return null;
        }
        expect("\"");
        int start = at;
        for (int i = at; ; i++) {
            char c = s.charAt(i);
            if (c == '"') {
                at = i + 1;
                return s.substring(start, i);
            }
            if (c == '\\' || c < 0x20) {
                at = i;
                return escaped(new StringBuilder(i - start + 16).append(s, start, i));
            }
        }
    }

    private String escaped(StringBuilder sb) {
        while (true) {
            char c = s.charAt(at++);
            if (c == '"') {
                return sb.toString();
            }
            check(c >= 0x20);
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char e = s.charAt(at++);
            switch (e) {
                case '"', '\\' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 't' -> sb.append('\t');
                case 'n' -> sb.append('\n');
                case 'f' -> sb.append('\f');
                case 'r' -> sb.append('\r');
                case 'u' -> {
                    check(s.startsWith("00", at));
                    int v = hex(s.charAt(at + 2)) * 16 + hex(s.charAt(at + 3));
                    check(v < 0x20 && v != '\b' && v != '\t' && v != '\n' && v != '\f' && v != '\r');
                    sb.append((char) v);
                    at += 4;
                }
                default -> throw NOT_CANONICAL;
            }
        }
    }

    /** An upper-case hex digit, as the mapper writes them. */
    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        check(c >= 'A' && c <= 'F');
        return c - 'A' + 10;
    }

    /** Steps over {@code text} if it comes next. */
    private boolean literal(String text) {
        if (s.startsWith(text, at)) {
            at += text.length();
            return true;
        }
        return false;
    }

    private void expect(String text) {
        check(literal(text));
    }

    private static void check(boolean canonical) {
        if (!canonical) {
            throw NOT_CANONICAL;
        }
    }
}
