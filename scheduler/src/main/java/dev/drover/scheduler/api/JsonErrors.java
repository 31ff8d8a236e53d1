package dev.drover.scheduler.api;

import dev.drover.core.codec.Json;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * What the server answers on its own (a request it could not parse, headers too large, a URI too long):
 * {@code {"error": "..."}} with a plain message, never an HTML page or an exception's class.
 */
final class JsonErrors extends ErrorHandler {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = response.getStatus();
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, body(status), callback);
        return true;
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        return body(status);
    }

    static String message(int status) {
        return switch (status) {
            case 400 -> "bad request: the request line, headers or body are malformed";
            case 413 -> "the request is too large";
            case 414 -> "the request's target (path and query) is too long";
            case 431 -> "the request's headers are too large or too many";
            case 501 -> "not implemented: only chunked and identity transfer encodings are understood";
            case 505 -> "HTTP version not supported: use HTTP/1.1";
            default -> HttpStatus.getMessage(status).toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static ByteBuffer body(int status) {
        return ByteBuffer.wrap(Json.write(Map.of("error", message(status))).getBytes(StandardCharsets.UTF_8));
    }
}
