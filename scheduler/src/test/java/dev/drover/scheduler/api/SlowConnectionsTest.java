package dev.drover.scheduler.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.scheduler.model.Quotas;
import dev.drover.scheduler.tls.SelfSigned;
import dev.drover.scheduler.tls.TlsIdentity;
import dev.drover.scheduler.tls.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The slow-connection attack of issue 19: connections that trickle their headers, or stall in the TLS
 * handshake, must not keep anyone else from being served. The attackers come from 127.0.0.2, so the
 * per-address connection limit applies to them and not to the client that asks for /health.
 */
class SlowConnectionsTest {
    static final int STALLED = 60;
    static final InetAddress ATTACKER = loopback(2);

    @TempDir
    static Path dir;
    /** One scheduler for the plain-HTTP cases (closing one takes seconds); each case closes its connections. */
    static ApiFixture f;

    @BeforeAll
    static void start() throws Exception {
        f = new ApiFixture(dir.resolve("plain"), HttpApi.Limits.defaults());
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    @Test
    void sixtyConnectionsThatTrickleTheirHeadersDoNotStallHealth() throws Exception {
        try (Stalled stalled = Stalled.open(f.port(), STALLED, "GET /jobs HTTP/1.1\r\nHost: x\r\nX-Slow: 1\r\n")) {
            assertHealthyWithin(HttpClient.newBuilder().build(), "http://127.0.0.1:" + f.port(), Duration.ofSeconds(3));
            assertTrue(stalled.closedWithin(Duration.ofSeconds(1)) >= STALLED - ApiServer.MAX_CONNECTIONS_PER_ADDRESS,
                    "beyond the per-address limit the extras are closed at once");
        }
    }

    @Test
    void sixtyConnectionsStalledInTheTlsHandshakeDoNotStallHealth() throws Exception {
        TlsIdentity identity = SelfSigned.generate(Clock.systemUTC());
        try (ApiFixture tls = new ApiFixture(dir.resolve("tls"), HttpApi.Limits.defaults(), Quotas.defaults(), Transport.tls(identity))) {
            HttpClient https = HttpClient.newBuilder().sslContext(trusting(identity)).build();
            // first a handshake with nothing stalled: the client's own TLS start-up (seconds on a busy machine) is not the server's stall
            assertHealthyWithin(https, "https://127.0.0.1:" + tls.port(), Duration.ofSeconds(30));
            HttpClient fresh = HttpClient.newBuilder().sslContext(trusting(identity)).build(); // a new connection, a new handshake
            try (Stalled stalled = Stalled.open(tls.port(), STALLED, "\u0016\u0003\u0001")) { // the first 3 bytes of a ClientHello
                assertHealthyWithin(fresh, "https://127.0.0.1:" + tls.port(), Duration.ofSeconds(3));
                assertTrue(stalled.closedWithin(Duration.ofSeconds(1)) >= STALLED - ApiServer.MAX_CONNECTIONS_PER_ADDRESS,
                        "beyond the per-address limit the extras are closed at once");
            }
        }
    }

    @Test
    void aClientAtTheAttackersAddressIsStillServed() throws Exception {
        try (Stalled stalled = Stalled.open(f.port(), STALLED, "GET /jobs HTTP/1.1\r\nHost: x\r\n")) {
            long start = System.nanoTime();
            try (Socket s = new Socket()) { // behind the same NAT, say: it evicts the oldest stalled connection
                s.bind(new InetSocketAddress(ATTACKER, 0));
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), f.port()), 2000);
                s.setSoTimeout(3000);
                s.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals(200, RawHttp.read(s.getInputStream()).status());
            }
            assertTrue(System.nanoTime() - start < 3_000_000_000L);
        }
    }

    @Test
    void aConnectionThatHasNotSentItsHeadersWithinTheDeadlineIsClosed() throws Exception {
        try (Stalled stalled = Stalled.open(f.port(), 1, "GET /jobs HTTP/1.1\r\nHost: x\r\n")) {
            long start = System.nanoTime();
            for (int i = 0; i < 20 && stalled.closedWithin(Duration.ofMillis(500)) == 0; i++) {
                stalled.trickle("X-Slow-" + i + ": a\r\n"); // each line comes well within the idle timeout
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            assertEquals(1, stalled.closedWithin(Duration.ofMillis(100)), "the server closed it");
            assertTrue(seconds < ApiServer.HEADER_DEADLINE.toSeconds() + 2, "within the header deadline: " + seconds + " s");
        }
    }

    static void assertHealthyWithin(HttpClient client, String base, Duration limit) throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/health")).timeout(limit).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(System.nanoTime() - start < limit.toNanos());
    }

    static SSLContext trusting(TlsIdentity identity) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("scheduler", identity.leaf());
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    static InetAddress loopback(int last) {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last});
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Connections from {@link #ATTACKER} that each sent a first part of a request and then nothing. */
    record Stalled(List<Socket> sockets) implements AutoCloseable {
        static Stalled open(int port, int n, String first) throws IOException {
            List<Socket> sockets = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Socket s = new Socket();
                s.bind(new InetSocketAddress(ATTACKER, 0));
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
                sockets.add(s);
                try {
                    s.getOutputStream().write(first.getBytes(StandardCharsets.ISO_8859_1));
                    s.getOutputStream().flush();
                } catch (IOException closedAlready) {
                    // the server may close extras at once
                }
            }
            return new Stalled(sockets);
        }

        void trickle(String line) {
            for (Socket s : sockets) {
                try {
                    s.getOutputStream().write(line.getBytes(StandardCharsets.ISO_8859_1));
                    s.getOutputStream().flush();
                } catch (IOException closed) {
                    // counted by closedWithin
                }
            }
        }

        /** How many the server has closed (answered or not), waiting up to {@code wait} in all. */
        int closedWithin(Duration wait) throws IOException {
            int closed = 0;
            long until = System.nanoTime() + wait.toNanos();
            for (Socket s : sockets) {
                s.setSoTimeout((int) Math.max(1, (until - System.nanoTime()) / 1_000_000));
                try {
                    InputStream in = s.getInputStream();
                    while (!s.isClosed() && in.read() != -1) {
                        // an answer (a 408, say) before the close
                    }
                    closed++;
                } catch (java.net.SocketTimeoutException open) {
                    // still open
                } catch (IOException reset) {
                    closed++;
                }
            }
            return closed;
        }

        @Override
        public void close() throws IOException {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }
}
