package dev.drover.cli;

import dev.drover.scheduler.tls.PinnedTrust;
import dev.drover.scheduler.tls.Fingerprint;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The slow-connection attack of issue 19, against a running scheduler: open many connections that
 * each send the start of a request (or of a TLS ClientHello) and then nothing, ask {@code /health}
 * meanwhile, and count how many the server closes. It holds when /health answers in time and the
 * server closes every stalled connection within {@code hold}.
 */
final class SlowConnectionsAttack {
    /** What the attack found. */
    record Result(boolean tls, int connections, int healthStatus, long healthMillis, long limitMillis, int closed, long holdSeconds) {
        boolean held() {
            return healthStatus == 200 && healthMillis <= limitMillis && closed == connections;
        }

        String line() {
            return String.format("slow connections (%s): %d stalled; /health %s in %d ms (limit %d ms); the server closed %d of %d"
                            + " within %d s: %s", tls ? "TLS" : "plain HTTP", connections,
                    healthStatus < 0 ? "gave no answer" : "answered " + healthStatus, healthMillis, limitMillis, closed, connections,
                    holdSeconds, held() ? "PASS" : "FAIL");
        }
    }

    private SlowConnectionsAttack() {}

    static Result run(URI base, Optional<Fingerprint> pin, int connections, Duration limit, Duration hold)
            throws IOException, InterruptedException {
        boolean tls = base.getScheme().equals("https");
        int port = base.getPort() > 0 ? base.getPort() : tls ? 443 : 80;
        // the first bytes of a request, or of a TLS record carrying a ClientHello, and then silence
        byte[] first = tls ? new byte[] {0x16, 0x03, 0x01}
                : ("GET /health HTTP/1.1\r\nHost: " + base.getHost() + "\r\nX-Slow: 1\r\n").getBytes(StandardCharsets.US_ASCII);
        List<Socket> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < connections; i++) {
                Socket s = new Socket();
                stalled.add(s);
                try {
                    s.connect(new InetSocketAddress(base.getHost(), port), 5000);
                    s.getOutputStream().write(first);
                    s.getOutputStream().flush();
                } catch (IOException refused) {
                    // refused or closed at once: the server defends itself, which is what we measure
                }
            }
            HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(limit);
            pin.ifPresent(p -> client.sslContext(PinnedTrust.context(p)));
            long start = System.nanoTime();
            int status;
            try {
                status = client.build().send(HttpRequest.newBuilder(base.resolve("/health")).timeout(limit).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (IOException e) {
                status = -1;
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            return new Result(tls, connections, status, millis, limit.toMillis(), closedWithin(stalled, hold), hold.toSeconds());
        } finally {
            for (Socket s : stalled) {
                s.close();
            }
        }
    }

    /** How many of the sockets the server has closed by the end of {@code hold}. */
    private static int closedWithin(List<Socket> sockets, Duration hold) throws IOException {
        long until = System.nanoTime() + hold.toNanos();
        int closed = 0;
        byte[] buf = new byte[512];
        for (Socket s : sockets) {
            if (!s.isConnected() || s.isClosed()) {
                closed++;
                continue;
            }
            try {
                InputStream in = s.getInputStream();
                while (true) {
                    s.setSoTimeout((int) Math.max(1, (until - System.nanoTime()) / 1_000_000));
                    if (in.read(buf) < 0) {
                        closed++; // after an answer (a 408, say) or none
                        break;
                    }
                }
            } catch (SocketTimeoutException stillOpen) {
                // held open past the hold
            } catch (IOException reset) {
                closed++;
            }
        }
        return closed;
    }
}
