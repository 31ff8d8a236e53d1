package dev.drover.core;

/**
 * A failure of an external service (queue, table, object store, compute API), translated
 * at the adapter boundary so callers never see an SDK type. Keeps what an operator needs
 * to look the failure up: the service, its error code and its request id.
 */
public class InfrastructureException extends RuntimeException {
    private final String service;
    private final String errorCode;
    private final String requestId;
    private final boolean retryable;

    public InfrastructureException(String service, String errorCode, String requestId, boolean retryable,
                                   String message, Throwable cause) {
        super(service + " " + errorCode + (requestId == null ? "" : " (request " + requestId + ")") + ": " + message, cause);
        this.service = service;
        this.errorCode = errorCode;
        this.requestId = requestId;
        this.retryable = retryable;
    }

    public String service() { return service; }
    public String errorCode() { return errorCode; }
    public String requestId() { return requestId; }
    public boolean retryable() { return retryable; }
}
