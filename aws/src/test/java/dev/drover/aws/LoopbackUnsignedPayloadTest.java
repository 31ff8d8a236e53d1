package dev.drover.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/** What an S3 PutObject to a loopback endpoint puts on the wire: headers signed, payload not hashed. */
class LoopbackUnsignedPayloadTest {
    @Test
    void aPutToLoopbackS3IsSignedWithAnUnsignedPayloadAndNoChecksum() throws Exception {
        Map<String, String> seen = new ConcurrentHashMap<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            exchange.getRequestHeaders().forEach((name, values) -> seen.put(name.toLowerCase(), values.get(0)));
            seen.put("body-bytes", Integer.toString(exchange.getRequestBody().readAllBytes().length));
            exchange.getResponseHeaders().add("ETag", "\"x\"");
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        try {
            URI endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
            try (AwsClients aws = new AwsClients(AwsSettings.forEmulators("us-east-1", endpoint, endpoint, endpoint))) {
                aws.s3().putObject(b -> b.bucket("b").key("k"), RequestBody.fromBytes(new byte[100_000]));
            }
        } finally {
            server.stop(0);
        }
        assertEquals("UNSIGNED-PAYLOAD", seen.get("x-amz-content-sha256"), "no SHA-256 of the payload: " + seen);
        assertTrue(seen.getOrDefault("authorization", "").startsWith("AWS4-HMAC-SHA256 Credential="), "still signed: " + seen);
        assertEquals("100000", seen.get("body-bytes"), "the body as it is, not aws-chunked");
        assertNull(seen.get("x-amz-trailer"), "no CRC32 trailer");
        assertTrue(seen.keySet().stream().noneMatch(h -> h.startsWith("x-amz-checksum-")), "no checksum header: " + seen);
        assertEquals("127.0.0.1:" + seen.get("host").split(":")[1], seen.get("host"), "the Host the signature covers");
    }
}
