package dev.drover.cli.chaos;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on loopback standing for the network between workers and one emulator: it forwards,
 * drops (closes every connection, existing and new) or stalls (keeps connections but moves no byte).
 */
final class ChaosProxy implements AutoCloseable {
    enum Mode { FORWARD, DROP, STALL }

    private static final int CONNECT_TIMEOUT_MS = 2_000;

    private final String name;
    private final int targetPort;
    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Object gate = new Object();
    private Mode mode = Mode.FORWARD; // guarded by gate

    ChaosProxy(String name, int targetPort) throws IOException {
        this.name = name;
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::acceptLoop, "chaos-proxy-" + name);
        accept.setDaemon(true);
        accept.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    void mode(Mode next) {
        synchronized (gate) {
            mode = next;
            gate.notifyAll();
        }
        if (next == Mode.DROP) {
            open.forEach(ChaosProxy::closeQuietly);
        }
    }

    private Mode mode() {
        synchronized (gate) {
            return mode;
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            if (mode() == Mode.DROP) {
                closeQuietly(client);
                continue;
            }
            Socket upstream = new Socket();
            try {
                upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), CONNECT_TIMEOUT_MS);
            } catch (IOException e) {
                closeQuietly(client); // the emulator is down: the client sees a reset, as on a real network
                closeQuietly(upstream);
                continue;
            }
            open.add(client);
            open.add(upstream);
            pump(client, upstream, "up");
            pump(upstream, client, "down");
        }
    }

    private void pump(Socket from, Socket to, String direction) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    awaitForwarding();
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // a dropped or closed connection: close both ends below
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "chaos-proxy-" + name + "-" + direction);
        t.setDaemon(true);
        t.start();
    }

    /** Holds bytes while stalled; fails the connection if dropped meanwhile. */
    private void awaitForwarding() throws IOException, InterruptedException {
        synchronized (gate) {
            while (mode == Mode.STALL) {
                gate.wait();
            }
            if (mode == Mode.DROP) {
                throw new IOException("dropped");
            }
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // already closed
        }
        mode(Mode.DROP);
    }
}
