package dev.drover.scheduler.api;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The API's HTTP server: Jetty, which reads request headers and does the TLS handshake on its
 * selector, so a connection costs a thread only while its request is being handled; the API's
 * {@code com.sun.net.httpserver} handler runs on it through {@link ApiExchange}. (Not Jetty's own HTTP
 * SPI: its jar makes itself every {@code HttpServer.create}'s provider in the JVM, and reports port
 * -1 for an ephemeral port, and it splits header values at commas and throws on a stray quote.) A connection must
 * finish its handshake and first request's headers within {@link #HEADER_DEADLINE}, and be idle no
 * longer than that between requests; while a request is handled the idle limit is {@link #BODY_IDLE},
 * and a stream sets its own.
 */
final class ApiServer implements AutoCloseable {
    static final Duration HEADER_DEADLINE = Duration.ofSeconds(5);
    /** Longest silence while a body streams in or a response streams out. */
    static final Duration BODY_IDLE = Duration.ofSeconds(60);
    static final int MAX_CONNECTIONS_PER_ADDRESS = 32;
    static final int MAX_CONNECTIONS = 4096;
    /** Request line and headers together; beyond it 431 (or 414 for a long request line). */
    static final int MAX_HEADER_BYTES = 16 << 10;

    private final Server server;
    private final ServerConnector connector;
    private final ConnectionGuard guard;

    /**
     * @param threads the most handlers running at once (Jetty's selector and acceptor take a few more)
     */
    ApiServer(InetSocketAddress address, Optional<SSLContext> tls, int threads, HttpHandler handler) {
        QueuedThreadPool pool = new QueuedThreadPool(threads + 8, 4, 30_000);
        pool.setName("drover-http");
        pool.setDaemon(true);
        pool.setStopTimeout(500); // then streams are interrupted: they end, the browser reconnects
        server = new Server(pool);
        server.setStopTimeout(0);
        HttpConfiguration config = new HttpConfiguration();
        config.setRequestHeaderSize(MAX_HEADER_BYTES);
        config.setSendServerVersion(false);
        config.setUriCompliance(org.eclipse.jetty.http.UriCompliance.UNSAFE); // Requests decodes and checks each segment
        HttpConnectionFactory http = new HttpConnectionFactory(config);
        if (tls.isPresent()) {
            config.addCustomizer(new SecureRequestCustomizer(false)); // clients pin the certificate, not a host name
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setSslContext(tls.get());
            ssl.setIncludeProtocols("TLSv1.3");
            connector = new ServerConnector(server, 1, 1, new SslConnectionFactory(ssl, http.getProtocol()), http);
        } else {
            connector = new ServerConnector(server, 1, 1, http);
        }
        connector.setHost(address.getHostString());
        connector.setPort(address.getPort());
        connector.setIdleTimeout(HEADER_DEADLINE.toMillis());
        connector.setAcceptQueueSize(256);
        guard = new ConnectionGuard(MAX_CONNECTIONS_PER_ADDRESS, HEADER_DEADLINE, connector.getScheduler());
        connector.addBean(guard);
        server.addConnector(connector);
        server.addBean(new NetworkConnectionLimit(MAX_CONNECTIONS, connector));
        server.setErrorHandler(new JsonErrors());
        server.setHandler(new Handler.Abstract() { // blocking: Jetty runs it on a pool thread
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                ApiExchange exchange = new ApiExchange(request, response);
                guard.served(exchange.getRemoteAddress());
                EndPoint endPoint = exchange.endPoint();
                endPoint.setIdleTimeout(BODY_IDLE.toMillis());
                try {
                    handler.handle(exchange);
                    exchange.close();
                    callback.succeeded();
                } catch (Throwable t) {
                    callback.failed(t);
                } finally {
                    endPoint.setIdleTimeout(HEADER_DEADLINE.toMillis()); // until the next request on this connection
                }
                return true;
            }
        });
    }

    /** Lets this exchange's connection stay silent this long, or forever for zero (a stream that waits). */
    static void idle(HttpExchange exchange, Duration idle) {
        ((ApiExchange) exchange).endPoint().setIdleTimeout(idle.toMillis());
    }

    void start() throws Exception {
        server.start();
    }

    int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("the API server did not stop: " + e.getMessage(), e);
        }
    }
}
