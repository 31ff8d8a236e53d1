package dev.drover.scheduler.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.codec.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Requests no client should send get a 4xx (or 501) with a short JSON error: never a 5xx of ours, a reset or an HTML page. */
class BadRequestsTest {
    @TempDir
    static Path dir;
    static ApiFixture f;

    @BeforeAll
    static void start() throws Exception {
        f = new ApiFixture(dir, HttpApi.Limits.defaults());
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    /** Sends the bytes as they are and reads the answer. */
    static RawHttp.Response raw(String request) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), f.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            try {
                out.write(request.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            } catch (IOException stoppedReading) {
                // the server may answer and close before it has read it all
            }
            return RawHttp.read(s.getInputStream());
        }
    }

    static void assertPlainError(int status, RawHttp.Response r) throws IOException {
        assertEquals(status, r.status(), r.body());
        assertTrue(r.header("content-type").startsWith("application/json"), r.header("content-type"));
        String error = Json.MAPPER.readTree(r.body()).get("error").asText();
        assertFalse(error.contains("Exception") || error.contains("org.eclipse") || error.contains("java."), error);
    }

    String auth() {
        return "Authorization: Bearer " + f.annToken + "\r\n";
    }

    @Test
    void aMalformedChunkSizeIs400() throws Exception {
        assertPlainError(400, raw("POST /jobs?name=w HTTP/1.1\r\nHost: x\r\n" + auth() + "Transfer-Encoding: chunked\r\n\r\n"
                + "zz\r\nsleep 1\n\r\n0\r\n\r\n"));
    }

    @Test
    void aTransferEncodingOtherThanChunkedIsRefusedPlainly() throws Exception {
        RawHttp.Response r = raw("POST /jobs?name=w HTTP/1.1\r\nHost: x\r\n" + auth() + "Transfer-Encoding: gzip\r\nConnection: close\r\n\r\n"
                + "sleep 1\n");
        assertTrue(r.status() == 400 || r.status() == 501, r.status() + " " + r.body());
        assertPlainError(r.status(), r);
    }

    /**
     * A request refused before its body came: the server cannot read past the unsent body to the next request, so
     * it closes the connection, and says so first (else a client sends its next request on it and gets no answer).
     */
    @Test
    void anErrorAnsweredBeforeItsBodyCameClosesTheConnectionSayingSo() throws Exception {
        RawHttp.Response r = raw("POST /jobs?name=w.txt&budget=-1 HTTP/1.1\r\nHost: x\r\n" + auth() + "Content-Length: 8\r\n\r\n");
        assertPlainError(400, r);
        assertEquals("close", r.header("connection"), r.headers().toString());
    }

    @Test
    void aMegabyteQueryIs414() throws Exception {
        assertPlainError(414, raw("GET /jobs?name=" + "a".repeat(1 << 20) + " HTTP/1.1\r\nHost: x\r\n" + auth() + "\r\n"));
    }

    @Test
    void twentyThousandHeadersAre431() throws Exception {
        StringBuilder headers = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            headers.append("X-H").append(i).append(": v\r\n");
        }
        assertPlainError(431, raw("GET /jobs HTTP/1.1\r\nHost: x\r\n" + auth() + headers + "\r\n"));
    }

    @Test
    void aRequestLineThatIsNotHttpIs400() throws Exception {
        assertPlainError(400, raw("GET /jobs HTTP/1.1 extra\r\nHost: x\r\n\r\n"));
        assertPlainError(400, raw("\u0001\u0002 nonsense\r\n\r\n"));
    }

    @Test
    void aRerunBodyOverItsLimitIs413NamingThatLimit() throws Exception {
        String job = f.scheduler.submit(new ByteArrayInputStream("sleep 1\n".getBytes()), "w", "ann").jobId();
        String body = "{\"group\": \"" + "g".repeat(5000) + "\"}";
        RawHttp.Response r = RawHttp.exchange(f.port(), "POST /jobs/" + job + "/rerun HTTP/1.1\r\nHost: x\r\n" + auth(),
                body.getBytes(StandardCharsets.US_ASCII), 10_000);
        assertPlainError(413, r);
        assertTrue(r.body().contains(RerunRequest.MAX_BODY + " bytes"), r.body());
    }
}
