package dev.drover.scheduler.api;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Closes what a slow or greedy client holds open: any connection beyond {@code perAddress} from one
 * remote address, and any connection that has not finished its TLS handshake and first request's
 * headers within {@code deadline} (a trickle of header lines resets an idle timeout, not this).
 */
final class ConnectionGuard implements Connection.Listener {
    private final int perAddress;
    private final Duration deadline;
    private final Scheduler scheduler;
    private final Map<InetAddress, Integer> open = new ConcurrentHashMap<>();
    private final Map<Connection, InetSocketAddress> remotes = new ConcurrentHashMap<>();
    /** Connections, by their remote socket address, whose first request has not reached the handler. */
    private final Map<SocketAddress, Connection> waiting = new ConcurrentHashMap<>();

    ConnectionGuard(int perAddress, Duration deadline, Scheduler scheduler) {
        this.perAddress = perAddress;
        this.deadline = deadline;
        this.scheduler = scheduler;
    }

    @Override
    public void onOpened(Connection c) {
        if (!(c.getEndPoint().getRemoteSocketAddress() instanceof InetSocketAddress remote) || inner(c)) {
            return;
        }
        remotes.put(c, remote);
        if (open.merge(remote.getAddress(), 1, Integer::sum) > perAddress) {
            c.close();
            return;
        }
        waiting.put(remote, c);
        scheduler.schedule(() -> {
            if (waiting.remove(remote, c)) {
                c.close();
            }
        }, deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void onClosed(Connection c) {
        InetSocketAddress remote = remotes.remove(c); // a closed socket no longer knows its remote address
        if (remote != null) {
            waiting.remove(remote, c);
            open.computeIfPresent(remote.getAddress(), (a, n) -> n <= 1 ? null : n - 1);
        }
    }

    /** The connection from this address has had a request's headers: the deadline no longer applies. */
    void served(SocketAddress remote) {
        waiting.remove(remote);
    }

    /** The HTTP connection inside a TLS one: its outer connection is the one counted. */
    private static boolean inner(Connection c) {
        return c.getEndPoint() instanceof SslConnection.SslEndPoint;
    }
}
