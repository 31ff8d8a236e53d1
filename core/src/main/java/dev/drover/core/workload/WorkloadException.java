package dev.drover.core.workload;

/** A workload that cannot run, with where and why: {@code file:line: reason}. Line 0 means the whole file. */
public class WorkloadException extends Exception {
    private final String source;
    private final int line;
    private final String reason;

    public WorkloadException(String source, int line, String reason) {
        super(source + (line > 0 ? ":" + line : "") + ": " + reason);
        this.source = source;
        this.line = line;
        this.reason = reason;
    }

    public String source() { return source; }
    public int line() { return line; }
    public String reason() { return reason; }
}
