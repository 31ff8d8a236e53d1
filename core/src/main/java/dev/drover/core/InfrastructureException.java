package dev.drover.core;

/**
 * A failure of an external service (queue, table, object store, compute API), translated
 * at the adapter boundary so callers never see an SDK type. Keeps what an operator needs
 * to look the failure up (the service, its error code and its request id) and what kind of
 * failure it is, which {@link RetryPolicy} reads to decide whether and when to try again.
 */
public class InfrastructureException extends RuntimeException {
    /** Whether trying again may help, and how soon. */
    public enum Kind {
        /** A blip (timeout, I/O error, server error): try again soon. */
        TRANSIENT,
        /** The service asks us to slow down: try again, later than for a blip. */
        THROTTLED,
        /** A caller or data problem (access denied, no such queue, a refused body): trying again cannot help. */
        PERMANENT
    }

    private final String service;
    private final String errorCode;
    private final String requestId;
    private final Kind kind;

    public InfrastructureException(String service, String errorCode, String requestId, Kind kind,
                                   String message, Throwable cause) {
        super(service + " " + errorCode + (requestId == null ? "" : " (request " + requestId + ")") + ": " + message, cause);
        this.service = service;
        this.errorCode = errorCode;
        this.requestId = requestId;
        this.kind = kind;
    }

    public String service() { return service; }
    public String errorCode() { return errorCode; }
    public String requestId() { return requestId; }
    public Kind kind() { return kind; }
    public boolean retryable() { return kind != Kind.PERMANENT; }
}
