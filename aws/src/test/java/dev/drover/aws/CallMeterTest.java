package dev.drover.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.drover.core.InfrastructureException;
import dev.drover.core.Usage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

class CallMeterTest {
    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private volatile int status;
    private volatile String errorType;

    @BeforeEach
    void startFakeService() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            byte[] body = ("{\"__type\":\"" + errorType + "\",\"message\":\"boom\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
            exchange.getResponseHeaders().add("x-amzn-RequestId", "req-" + requests.get());
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopFakeService() {
        server.stop(0);
    }

    @Test
    void classifiesBillableRequests() {
        assertEquals(new Usage(1, 0, 0, 0), CallMeter.classify("Sqs", "ReceiveMessage"));
        for (String write : List.of("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems")) {
            assertEquals(new Usage(0, 1, 0, 0), CallMeter.classify("DynamoDb", write), write);
        }
        assertEquals(new Usage(0, 0, 1, 0), CallMeter.classify("DynamoDb", "GetItem"));
        assertEquals(new Usage(0, 0, 1, 0), CallMeter.classify("DynamoDb", "Query"));
        assertEquals(new Usage(0, 0, 0, 1), CallMeter.classify("S3", "GetObject"));
        assertEquals(Usage.ZERO, CallMeter.classify("Ec2", "RunInstances"));
    }

    @Test
    void aPartiqlBatchCountsEachStatement() {
        var update = software.amazon.awssdk.services.dynamodb.model.BatchStatementRequest.builder()
                .statement("UPDATE \"t\" SET \"a\" = ? WHERE \"pk\" = ?").build();
        var select = software.amazon.awssdk.services.dynamodb.model.BatchStatementRequest.builder()
                .statement(" select * FROM \"t\" WHERE \"pk\" = ?").build();
        assertEquals(new Usage(0, 2, 1, 0), CallMeter.statements(
                software.amazon.awssdk.services.dynamodb.model.BatchExecuteStatementRequest.builder()
                        .statements(update, select, update).build()));
    }

    @Test
    void everyRetryAttemptIsCountedAndTheLastErrorIsTranslated() {
        status = 500;
        errorType = "com.amazonaws.sqs#InternalError";
        URI endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        UsageAccumulator accumulator = new UsageAccumulator();
        try (AwsClients clients = new AwsClients(AwsSettings.forEmulators("us-east-1", endpoint, endpoint, endpoint))) {
            InfrastructureException e = assertThrows(InfrastructureException.class, () -> CallMeter.attributeTo(
                    accumulator, () -> AwsErrors.call("SQS", () -> clients.sqs().listQueues())));
            assertEquals(AwsClients.MAX_ATTEMPTS, requests.get());
            assertEquals(new Usage(AwsClients.MAX_ATTEMPTS, 0, 0, 0), accumulator.snapshot());
            assertEquals("SQS", e.service());
            assertEquals("InternalError", e.errorCode());
            assertEquals("req-" + AwsClients.MAX_ATTEMPTS, e.requestId());
            assertTrue(e.retryable());
        }
    }

    @Test
    void clientErrorsAreNotRetriedNorRetryable() {
        status = 400;
        errorType = "com.amazonaws.dynamodb.v20120810#ValidationException";
        URI endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        UsageAccumulator accumulator = new UsageAccumulator();
        try (AwsClients clients = new AwsClients(AwsSettings.forEmulators("us-east-1", endpoint, endpoint, endpoint))) {
            SdkException e = assertThrows(SdkException.class, () -> CallMeter.attributeTo(
                    accumulator, () -> clients.dynamoDb().getItem(r -> r.tableName("t").key(Map.of()))));
            assertEquals(new Usage(0, 0, 1, 0), accumulator.snapshot());
            InfrastructureException translated = AwsErrors.translate(e);
            assertEquals("DynamoDb", translated.service());
            assertEquals("ValidationException", translated.errorCode());
            assertEquals("req-1", translated.requestId());
            assertFalse(translated.retryable());
        }
    }

    @Test
    void aServerThatIsNotThereIsRetryable() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        URI endpoint = URI.create("http://127.0.0.1:" + closedPort);
        try (AwsClients clients = new AwsClients(AwsSettings.forEmulators("us-east-1", endpoint, endpoint, endpoint))) {
            SdkException e = assertThrows(SdkException.class, () -> clients.s3().listBuckets());
            InfrastructureException translated = AwsErrors.translate(e);
            assertEquals("AWS", translated.service());
            assertTrue(translated.retryable(), translated.getMessage());
        }
    }

    @Test
    void attributionIsPerThreadAndNests() {
        UsageAccumulator outer = new UsageAccumulator();
        UsageAccumulator inner = new UsageAccumulator();
        String result = CallMeter.attributeTo(outer, () -> {
            attempt("Sqs", "SendMessage");
            CallMeter.attributeTo(inner, () -> {
                attempt("S3", "PutObject");
                return null;
            });
            attempt("DynamoDb", "PutItem");
            return "done";
        });
        attempt("Sqs", "SendMessage"); // attributed to nobody
        assertEquals("done", result);
        assertEquals(new Usage(1, 1, 0, 0), outer.snapshot());
        assertEquals(new Usage(0, 0, 0, 1), inner.snapshot());
    }

    /** What the SDK does before sending one HTTP attempt (the context is not used). */
    private static void attempt(String service, String operation) {
        ExecutionAttributes attributes = new ExecutionAttributes();
        attributes.putAttribute(SdkExecutionAttribute.SERVICE_NAME, service);
        attributes.putAttribute(SdkExecutionAttribute.OPERATION_NAME, operation);
        new CallMeter().beforeTransmission(null, attributes);
    }
}
