package dev.drover.scheduler.api;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Closes what a slow or greedy client holds open. A connection that has not finished its TLS
 * handshake and first request's headers within {@code deadline} is closed (a trickle of header
 * lines resets an idle timeout, not this). One remote address may hold {@code perAddress}
 * connections: past that, a new one closes that address's oldest connection still waiting for its
 * first request, so a client that shares an address with an attacker still gets in; if none is
 * waiting, the new one is closed.
 */
final class ConnectionGuard implements Connection.Listener {
    private final int perAddress;
    private final Duration deadline;
    private final Scheduler scheduler;
    private final Map<InetAddress, Integer> open = new HashMap<>();
    /** A closed socket no longer knows its remote address: kept from when it opened. */
    private final Map<Connection, InetSocketAddress> remotes = new HashMap<>();
    /** Per address, connections whose first request has not reached the handler, oldest first. */
    private final Map<InetAddress, LinkedHashSet<Connection>> waiting = new HashMap<>();
    private final Map<SocketAddress, Connection> waitingBySocket = new HashMap<>();

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
        Connection closing = null;
        synchronized (this) {
            remotes.put(c, remote);
            if (open.merge(remote.getAddress(), 1, Integer::sum) > perAddress) {
                closing = oldestWaiting(remote.getAddress());
                if (closing == null) {
                    closing = c;
                }
            }
            if (closing != c) {
                waiting.computeIfAbsent(remote.getAddress(), a -> new LinkedHashSet<>()).add(c);
                waitingBySocket.put(remote, c);
            }
        }
        if (closing != null) {
            closing.close();
        }
        if (closing != c) {
            scheduler.schedule(() -> {
                if (stopWaiting(remote, c)) {
                    c.close();
                }
            }, deadline.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void onClosed(Connection c) {
        synchronized (this) {
            InetSocketAddress remote = remotes.remove(c);
            if (remote != null) {
                stopWaiting(remote, c);
                open.computeIfPresent(remote.getAddress(), (a, n) -> n <= 1 ? null : n - 1);
            }
        }
    }

    /** The connection from this socket address has had a request's headers: the deadline no longer applies. */
    synchronized void served(SocketAddress remote) {
        Connection c = waitingBySocket.get(remote);
        if (c != null && remote instanceof InetSocketAddress r) {
            stopWaiting(r, c);
        }
    }

    /** The oldest connection of this address still waiting, taken off the waiting; null if none. */
    private Connection oldestWaiting(InetAddress address) {
        LinkedHashSet<Connection> set = waiting.get(address);
        if (set == null || set.isEmpty()) {
            return null;
        }
        Connection oldest = set.iterator().next();
        stopWaiting(remotes.get(oldest), oldest);
        return oldest;
    }

    private synchronized boolean stopWaiting(InetSocketAddress remote, Connection c) {
        if (remote == null) {
            return false;
        }
        waitingBySocket.remove(remote, c);
        LinkedHashSet<Connection> set = waiting.get(remote.getAddress());
        boolean was = set != null && set.remove(c);
        if (set != null && set.isEmpty()) {
            waiting.remove(remote.getAddress());
        }
        return was;
    }

    /** The HTTP connection inside a TLS one: its outer connection is the one counted. */
    private static boolean inner(Connection c) {
        return c.getEndPoint() instanceof SslConnection.SslEndPoint;
    }
}
