package dev.drover.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.InfrastructureException;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

class AwsErrorsTest {

    @Test
    void serviceErrorKeepsServiceCodeAndRequestId() {
        AwsServiceException e = QueueDoesNotExistException.builder()
                .awsErrorDetails(AwsErrorDetails.builder().serviceName("Sqs").errorCode("QueueDoesNotExist")
                        .errorMessage("no queue named x").build())
                .requestId("abc-123").statusCode(400).build();

        InfrastructureException translated = AwsErrors.translate(e);

        assertEquals("Sqs", translated.service());
        assertEquals("QueueDoesNotExist", translated.errorCode());
        assertEquals("abc-123", translated.requestId());
        assertFalse(translated.retryable());
        assertSame(e, translated.getCause());
        assertTrue(translated.getMessage().contains("no queue named x"), translated.getMessage());
    }

    @Test
    void throttlingAndServerErrorsAreRetryable() {
        assertTrue(AwsErrors.translate(serviceError("ThrottlingException", 400)).retryable());
        assertEquals(dev.drover.core.InfrastructureException.Kind.THROTTLED,
                AwsErrors.translate(serviceError("ThrottlingException", 400)).kind(), "backs off longer");
        assertEquals(dev.drover.core.InfrastructureException.Kind.PERMANENT,
                AwsErrors.translate(serviceError("AccessDenied", 403)).kind(), "not retried");
        assertTrue(AwsErrors.translate(serviceError("ProvisionedThroughputExceededException", 400)).retryable());
        assertTrue(AwsErrors.translate(serviceError("InternalError", 500)).retryable());
        assertTrue(AwsErrors.translate(serviceError("ServiceUnavailable", 503)).retryable());
        assertFalse(AwsErrors.translate(serviceError("AccessDenied", 403)).retryable());
    }

    @Test
    void clientErrorsAreRetryableOnlyWhenCausedByIo() {
        InfrastructureException io = AwsErrors.translate(
                SdkClientException.create("Unable to execute HTTP request", new IOException("connection reset")));
        assertEquals("AWS", io.service());
        assertEquals("SdkClientException", io.errorCode());
        assertNull(io.requestId());
        assertTrue(io.retryable());
        assertFalse(AwsErrors.translate(SdkClientException.create("bad parameter")).retryable());
    }

    @Test
    void callNamesTheServiceAndPassesResultsThrough() {
        assertEquals("ok", AwsErrors.call("SQS", () -> "ok"));
        InfrastructureException e = assertThrows(InfrastructureException.class,
                () -> AwsErrors.call("DynamoDB", () -> {
                    throw serviceError("InternalServerError", 500);
                }));
        assertEquals("DynamoDB", e.service());
        assertEquals("InternalServerError", e.errorCode());
    }

    private static AwsServiceException serviceError(String code, int status) {
        return AwsServiceException.builder()
                .awsErrorDetails(AwsErrorDetails.builder().serviceName("DynamoDb").errorCode(code).errorMessage(code)
                        .build())
                .statusCode(status).requestId("r").build();
    }
}
