package dev.drover.scheduler.api;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

/**
 * One Jetty request and response seen through {@link HttpExchange}, so the API's handlers need not
 * know the server: headers are kept as sent (not split at commas), the target is the raw path and
 * query, and {@link #sendResponseHeaders} sends the headers at once, as the JDK's server does.
 */
final class ApiExchange extends HttpExchange {
    private final Request request;
    private final Response response;
    private final Headers requestHeaders = new Headers();
    private final Headers responseHeaders = new Headers();
    private final Map<String, Object> attributes = new HashMap<>();
    private InputStream in;
    private OutputStream out;
    private int responseCode;

    ApiExchange(Request request, Response response) {
        this.request = request;
        this.response = response;
        for (HttpField field : request.getHeaders()) {
            requestHeaders.add(field.getName(), field.getValue() == null ? "" : field.getValue());
        }
        this.in = Content.Source.asInputStream(request);
    }

    EndPoint endPoint() {
        return request.getConnectionMetaData().getConnection().getEndPoint();
    }

    @Override
    public Headers getRequestHeaders() {
        return requestHeaders;
    }

    @Override
    public Headers getResponseHeaders() {
        return responseHeaders;
    }

    /** The raw path and query; throws {@link IllegalArgumentException} if they are not a URI. */
    @Override
    public URI getRequestURI() {
        return URI.create(request.getHttpURI().getPathQuery());
    }

    @Override
    public String getRequestMethod() {
        return request.getMethod();
    }

    @Override
    public HttpContext getHttpContext() {
        return null; // the API has one handler for every path
    }

    @Override
    public InputStream getRequestBody() {
        return in;
    }

    @Override
    public OutputStream getResponseBody() {
        if (out == null) {
            throw new IllegalStateException("sendResponseHeaders first");
        }
        return out;
    }

    /** As the JDK's: a length of -1 means no body, 0 a body of any length (chunked). */
    @Override
    public void sendResponseHeaders(int code, long length) throws IOException {
        if (responseCode > 0) {
            throw new IOException("headers already sent");
        }
        responseCode = code;
        response.setStatus(code);
        for (Map.Entry<String, List<String>> h : responseHeaders.entrySet()) {
            for (String value : h.getValue()) {
                response.getHeaders().add(h.getKey(), value);
            }
        }
        if (length != 0) {
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, Math.max(0, length));
        }
        if (code >= 400 && !request.consumeAvailable()) {
            // refused before its body came: Jetty closes the connection after this answer, and the client must
            // know, or it sends its next request on a connection that is closing and gets no answer
            response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
        }
        out = Content.Sink.asOutputStream(response);
        if (length == 0) {
            out.flush(); // a stream's client sees the headers before the first event
        }
    }

    @Override
    public InetSocketAddress getRemoteAddress() {
        return (InetSocketAddress) request.getConnectionMetaData().getRemoteSocketAddress();
    }

    @Override
    public InetSocketAddress getLocalAddress() {
        return (InetSocketAddress) request.getConnectionMetaData().getLocalSocketAddress();
    }

    @Override
    public int getResponseCode() {
        return responseCode;
    }

    @Override
    public String getProtocol() {
        return request.getConnectionMetaData().getProtocol();
    }

    @Override
    public Object getAttribute(String name) {
        return attributes.get(name);
    }

    @Override
    public void setAttribute(String name, Object value) {
        attributes.put(name, value);
    }

    @Override
    public void setStreams(InputStream i, OutputStream o) {
        if (i != null) {
            in = i;
        }
        if (o != null) {
            out = o;
        }
    }

    @Override
    public HttpPrincipal getPrincipal() {
        return null;
    }

    /** Ends the response: the rest of the body, or an empty one if none was begun. */
    @Override
    public void close() {
        try {
            if (out != null) {
                out.close();
            }
        } catch (IOException e) {
            // the client went away; nothing is left to tell it
        }
    }
}
