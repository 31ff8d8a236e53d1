package dev.drover.cli;

import dev.drover.scheduler.tls.PinnedTrust;
import dev.drover.scheduler.tls.Fingerprint;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * The scheduler's addresses (one a replica) and every exchange with them: the one that answered last
 * is asked first, and a call that may be repeated goes to the next when one cannot answer.
 */
final class ReplicaExchange {
    /** How long a repeatable call keeps asking while every replica answers 503 with Retry-After: a deployed takeover's time, twice. */
    static final Duration UNAVAILABLE_PATIENCE = Duration.ofSeconds(30);
    /** The header of a submit's idempotency key: a submit with one may be repeated. */
    static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private final List<URI> bases;
    private volatile int current;
    private final HttpClient http;
    private final boolean pinned;

    /**
     * With a pin, the address is HTTPS (HOST:PORT or https://) and only the certificate with that
     * SHA-256 is trusted; without, HOST:PORT is plain HTTP and https:// uses the JDK's trust store.
     */
    ReplicaExchange(String hostPort, Optional<Fingerprint> pin) {
        if (pin.isPresent() && hostPort.startsWith("http://")) {
            throw new IllegalArgumentException("--tls-fingerprint pins a certificate, but " + hostPort
                    + " is plain HTTP: give https://HOST:PORT or HOST:PORT");
        }
        this.bases = Arrays.stream(hostPort.split(",")).map(String::trim).filter(a -> !a.isEmpty())
                .map(a -> URI.create(a.startsWith("http") ? a : (pin.isPresent() ? "https://" : "http://") + a)).toList();
        if (bases.isEmpty()) {
            throw new IllegalArgumentException("no scheduler address in '" + hostPort + "'");
        }
        this.pinned = pin.isPresent();
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
        pin.ifPresent(p -> builder.sslContext(PinnedTrust.context(p)));
        this.http = builder.build();
    }

    /** The address asked first: the one that answered last. */
    URI base() {
        return bases.get(current);
    }

    /** Asks the next address first from now on (a stream broke, or this replica does not know the job yet). */
    void next() {
        current = (current + 1) % bases.size();
    }

    /**
     * Every exchange goes through here, so a TLS refusal is one clear message (exit 2), never a stack trace.
     * With several addresses (scheduler replicas), a call that may be repeated (a read, a cancel, a submit
     * with its idempotency key) and could not reach one replica goes to the next; a keyed submit also when a
     * replica answers 5xx (it may have died mid-submit: the key makes the retry answer the job, if made). A
     * repeatable call answered 503 with {@code Retry-After} (a replica busy, or the owner of the job being
     * replaced: its jobs pass to a live replica within a lease) goes to the next address, and once every
     * address has said so, is asked again after the wait, for up to {@link #UNAVAILABLE_PATIENCE}.
     */
    <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> body)
            throws IOException, InterruptedException {
        int first = current;
        long giveUpAt = System.nanoTime() + UNAVAILABLE_PATIENCE.toNanos();
        for (int attempt = 0; ; attempt++) {
            URI base = bases.get((first + attempt) % bases.size());
            boolean lastOfRound = (attempt + 1) % bases.size() == 0;
            boolean last = attempt + 1 >= bases.size();
            try {
                HttpResponse<T> response = http.send(at(request, base), body);
                Optional<Long> wait = response.statusCode() == 503 && repeatable(request) ? retryAfter(response) : Optional.empty();
                boolean again = wait.isPresent() && System.nanoTime() + wait.get() * 1_000_000_000L < giveUpAt;
                if (again || (response.statusCode() >= 500 && !last && keyedSubmit(request))) {
                    if (response.body() instanceof InputStream in) {
                        in.close();
                    }
                    if (again && lastOfRound) {
                        Thread.sleep(wait.get() * 1000);
                    }
                    continue;
                }
                current = (first + attempt) % bases.size();
                return response;
            } catch (SSLException e) {
                throw UntrustedScheduler.of(base, pinned, e);
            } catch (IOException e) {
                if (!repeatable(request) || (last && (attempt + 1 == bases.size() || System.nanoTime() >= giveUpAt))) {
                    throw e;
                }
                if (lastOfRound) {
                    Thread.sleep(1000); // a later round (after a 503): no address answered this time either
                }
            }
        }
    }

    /** The seconds a 503 asks the client to wait (1 to 10); empty if it names none. */
    private static Optional<Long> retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").filter(v -> v.matches("\\d{1,2}"))
                .map(Long::parseLong).filter(n -> n >= 1 && n <= 10);
    }

    /** Reads, a cancel (cancelling twice is cancelling once), and a submit with its idempotency key. */
    private static boolean repeatable(HttpRequest request) {
        return request.method().equals("GET") || request.uri().getPath().endsWith("/cancel") || keyedSubmit(request);
    }

    private static boolean keyedSubmit(HttpRequest request) {
        return request.method().equals("POST") && request.headers().firstValue(IDEMPOTENCY_KEY).isPresent();
    }

    /** The request sent to {@code base} instead of the address it was built for. */
    private static HttpRequest at(HttpRequest request, URI base) {
        URI uri = request.uri();
        if (uri.getScheme().equals(base.getScheme()) && uri.getRawAuthority().equals(base.getRawAuthority())) {
            return request;
        }
        String rest = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        return HttpRequest.newBuilder(request, (name, value) -> true).uri(base.resolve(rest)).build();
    }
}
