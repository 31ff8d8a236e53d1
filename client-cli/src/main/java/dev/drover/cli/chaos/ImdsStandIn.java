package dev.drover.cli.chaos;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * A local stand-in for the EC2 instance metadata service (IMDSv2): a token from PUT
 * /latest/api/token, and a spot interruption notice at /latest/meta-data/spot/instance-action
 * once {@link #interrupt()} has been called (404 before, as on EC2).
 */
final class ImdsStandIn implements AutoCloseable {
    private static final String TOKEN = "chaos-imds-token";

    private final HttpServer server;
    private volatile String notice;

    ImdsStandIn() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** From now on, the notice says the instance stops in two minutes. */
    void interrupt() {
        notice = "{\"action\":\"terminate\",\"time\":\"" + Instant.now().plusSeconds(120) + "\"}";
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        if (ex.getRequestMethod().equals("PUT") && path.equals("/latest/api/token")) {
            reply(ex, 200, TOKEN);
        } else if (!TOKEN.equals(ex.getRequestHeaders().getFirst("X-aws-ec2-metadata-token"))) {
            reply(ex, 401, "");
        } else if (path.equals("/latest/meta-data/spot/instance-action") && notice != null) {
            reply(ex, 200, notice);
        } else if (path.equals("/latest/meta-data/instance-id")) {
            reply(ex, 200, "i-chaos");
        } else {
            reply(ex, 404, "");
        }
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
