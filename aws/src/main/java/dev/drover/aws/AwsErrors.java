package dev.drover.aws;

import dev.drover.core.InfrastructureException;
import java.io.IOException;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * Turns SDK exceptions into {@link InfrastructureException} at the adapter boundary, keeping what
 * an operator needs to look the failure up (service, error code, request id) and whether trying
 * again later may help. The SDK has already retried by then; "retryable" is for the caller's loop.
 */
public final class AwsErrors {
    private AwsErrors() {
    }

    /** Runs {@code body}, translating any SDK exception; {@code service} names the service in messages. */
    public static <T> T call(String service, Supplier<T> body) {
        try {
            return body.get();
        } catch (SdkException e) {
            throw translate(service, e);
        }
    }

    public static InfrastructureException translate(SdkException e) {
        String service = e instanceof AwsServiceException ase && ase.awsErrorDetails() != null
                ? ase.awsErrorDetails().serviceName() : null;
        return translate(service == null ? "AWS" : service, e);
    }

    private static InfrastructureException translate(String service, SdkException e) {
        if (e instanceof AwsServiceException ase) {
            AwsErrorDetails details = ase.awsErrorDetails();
            String code = details == null || details.errorCode() == null
                    ? "HTTP" + ase.statusCode() : details.errorCode();
            String message = details == null || details.errorMessage() == null
                    ? e.getMessage() : details.errorMessage();
            return new InfrastructureException(service, code, ase.requestId(), kind(e), message, e);
        }
        return new InfrastructureException(service, e.getClass().getSimpleName(), null, kind(e),
                e.getMessage(), e);
    }

    private static InfrastructureException.Kind kind(SdkException e) {
        if (e instanceof AwsServiceException ase && ase.isThrottlingException()) {
            return InfrastructureException.Kind.THROTTLED;
        }
        return isRetryable(e) ? InfrastructureException.Kind.TRANSIENT : InfrastructureException.Kind.PERMANENT;
    }

    /**
     * Transient failures: throttling, clock skew, server errors, and client-side failures to get
     * an answer at all (I/O errors and timeouts). Everything else is a caller or data problem.
     */
    static boolean isRetryable(SdkException e) {
        if (e.retryable()) {
            return true;
        }
        if (e instanceof AwsServiceException ase) {
            return ase.isThrottlingException() || ase.isClockSkewException() || ase.statusCode() >= 500;
        }
        if (e instanceof SdkServiceException sse) {
            return sse.statusCode() >= 500;
        }
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
            return true;
        }
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof IOException) {
                return true;
            }
        }
        return false;
    }
}
