package dev.drover.scheduler.forward;

import dev.drover.scheduler.tls.PinnedTrust;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.drover.core.codec.Json;
import dev.drover.core.port.Message;
import dev.drover.scheduler.model.JobView;
import dev.drover.scheduler.tls.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One replica's requests to another, over the same HTTP API clients use: the caller's name signed
 * ({@link ReplicaCredential}), nothing of the client's own credentials sent on, and HTTPS trusting only
 * the certificate the replicas share.
 */
public final class ReplicaLink {
    /** Replicas are near each other: a peer that does not connect this soon is taken as down. */
    static final Duration CONNECT = Duration.ofSeconds(2);
    /** How long a forwarded request (not a stream) may take to answer. */
    static final Duration ANSWER = Duration.ofSeconds(60);
    /**
     * How long a collector waits for the owner to record the result messages it hands over: a hung owner
     * costs a collector this much at most, and its messages are then hidden for it as before.
     */
    static final Duration HAND_OVER = Duration.ofSeconds(2);
    /** Where a replica hands the owner of a job the result messages of it that it received. */
    public static final String RESULTS = "/replica/results";
    private static final TypeReference<List<JobView>> JOBS = new TypeReference<>() {};

    private final ReplicaCredential credential;
    private final String scheme;
    private final HttpClient http;

    public ReplicaLink(ReplicaCredential credential, Transport transport) {
        this.credential = credential;
        this.scheme = transport.scheme();
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(CONNECT).followRedirects(HttpClient.Redirect.NEVER);
        transport.fingerprint().ifPresent(pin -> builder.sslContext(PinnedTrust.context(pin)));
        this.http = builder.build();
    }

    public ReplicaCredential credential() {
        return credential;
    }

    /**
     * Sends {@code user}'s request to the replica at {@code address}; the answer's body is a stream, read as it comes.
     *
     * @param target      the raw path and query, exactly as the client sent them (the MAC covers them)
     * @param stream      a stream (results followed, events): no time limit on the answer
     */
    public HttpResponse<InputStream> send(String address, String user, String method, String target, byte[] body,
                                          String contentType, boolean stream) throws IOException, InterruptedException {
        Map<String, String> headers = contentType == null ? Map.of() : Map.of("Content-Type", contentType);
        return send(address, user, method, target,
                body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body), headers, stream);
    }

    /**
     * Places {@code user}'s submit on the replica at {@code address}: {@code POST target} with the body streamed
     * as {@code body} is read (a workload may be large; nothing is read before the peer connects), and
     * {@code headers} (its content type and idempotency key) passed on. No time limit, as for the client's own
     * upload: the caller cuts it if the peer is judged gone.
     */
    public HttpResponse<InputStream> submit(String address, String user, String target, Supplier<InputStream> body,
                                            Map<String, String> headers) throws IOException, InterruptedException {
        return send(address, user, "POST", target, HttpRequest.BodyPublishers.ofInputStream(body), headers, true);
    }

    private HttpResponse<InputStream> send(String address, String user, String method, String target,
                                           HttpRequest.BodyPublisher body, Map<String, String> headers, boolean stream)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(scheme + "://" + address + target))
                .header(ReplicaCredential.HEADER, credential.sign(user, method, target))
                .method(method, body);
        headers.forEach(request::header);
        if (!stream) {
            request.timeout(ANSWER);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    /**
     * Hands result messages of jobs the replica at {@code address} owns to it ({@value #RESULTS}), signed as
     * a replica ({@link ReplicaCredential#REPLICA}); answers the ids of those it recorded, empty on any other
     * answer than 200.
     */
    public Set<String> results(String address, List<Message> messages) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(scheme + "://" + address + RESULTS))
                .header(ReplicaCredential.HEADER, credential.sign(ReplicaCredential.REPLICA, "POST", RESULTS))
                .header("Content-Type", "application/json")
                .timeout(HAND_OVER)
                .version(HttpClient.Version.HTTP_1_1) // a kept-alive connection, no h2c upgrade asked of each new one
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(HandOver.of(messages)))).build();
        HttpResponse<byte[]> answer = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (answer.statusCode() != 200) {
            return Set.of();
        }
        return Set.copyOf(Json.MAPPER.readValue(answer.body(), HandOver.Recorded.class).recorded());
    }

    /** The jobs {@code user} may see on the replica at {@code address} that it holds itself (its list, not merged again). */
    public List<JobView> jobs(String address, String user) throws IOException, InterruptedException {
        return get(address, user, "/jobs", JOBS);
    }

    /** {@code user}'s {@code GET target} on the replica at {@code address}, as it answers for itself alone. */
    public <T> T get(String address, String user, String target, TypeReference<T> type) throws IOException, InterruptedException {
        HttpResponse<InputStream> response = send(address, user, "GET", target, new byte[0], null, false);
        try (InputStream in = response.body()) {
            if (response.statusCode() != 200) {
                throw new IOException("replica at " + address + " answered " + response.statusCode() + " for " + target);
            }
            return Json.MAPPER.readValue(in, type);
        }
    }
}
