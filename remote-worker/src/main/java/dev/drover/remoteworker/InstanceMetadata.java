package dev.drover.remoteworker;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import dev.drover.core.EnvironmentVariables;

/**
 * A tiny IMDSv2 client: a session token from a PUT, then GETs that carry it. Every call either
 * answers (empty for 404: the item is not there) or throws {@link UncheckedIOException} (no
 * metadata service, as on a laptop; a timeout; any other status).
 */
public final class InstanceMetadata {
    public static final URI DEFAULT_ENDPOINT = URI.create("http://169.254.169.254");
    /** The same override as ami-build's fetch-config.sh. */
    public static final String ENDPOINT_VARIABLE = EnvironmentVariables.IMDS_ENDPOINT;
    /** The longest IMDS allows. */
    static final Duration TOKEN_TTL = Duration.ofSeconds(21600);
    /** Renew this long before expiry, so no request goes out with a token about to lapse. */
    static final Duration TOKEN_MARGIN = Duration.ofMinutes(1);
    /** The service is a link-local hop away: anything slower means it is not there. */
    static final Duration TIMEOUT = Duration.ofSeconds(1);

    private final URI endpoint;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT)
            // A configured HTTP proxy must never see, or answer for, the metadata service.
            .proxy(HttpClient.Builder.NO_PROXY)
            .build();
    private String token;
    private Instant tokenExpires;

    public InstanceMetadata(URI endpoint, Clock clock) {
        this.endpoint = endpoint;
        this.clock = clock;
    }

    /** The real service, or {@value #ENDPOINT_VARIABLE} when set. */
    public static InstanceMetadata fromEnvironment(Map<String, String> env) {
        String override = env.get(ENDPOINT_VARIABLE);
        return new InstanceMetadata(override == null || override.isBlank() ? DEFAULT_ENDPOINT : URI.create(override),
                Clock.systemUTC());
    }

    public Optional<String> instanceId() {
        return get("/latest/meta-data/instance-id");
    }

    /** The spot interruption notice, e.g. {@code {"action":"terminate","time":"2026-11-23T10:00:00Z"}}; empty until there is one. */
    public Optional<String> spotInterruption() {
        return get("/latest/meta-data/spot/instance-action");
    }

    private Optional<String> get(String path) {
        HttpResponse<String> response = send(path, token(false));
        if (response.statusCode() == 401) {
            // Expired or revoked before we expected: one new token, one more try.
            response = send(path, token(true));
        }
        return switch (response.statusCode()) {
            case 200 -> Optional.of(response.body());
            case 404 -> Optional.empty();
            default -> throw new UncheckedIOException(
                    new IOException("metadata service answered " + response.statusCode() + " for " + path));
        };
    }

    private HttpResponse<String> send(String path, String sessionToken) {
        return exchange(HttpRequest.newBuilder(endpoint.resolve(path)).timeout(TIMEOUT)
                .header("X-aws-ec2-metadata-token", sessionToken).GET().build());
    }

    private synchronized String token(boolean renew) {
        Instant now = clock.instant();
        if (renew || token == null || !now.isBefore(tokenExpires.minus(TOKEN_MARGIN))) {
            HttpResponse<String> response = exchange(HttpRequest.newBuilder(endpoint.resolve("/latest/api/token"))
                    .timeout(TIMEOUT)
                    .header("X-aws-ec2-metadata-token-ttl-seconds", String.valueOf(TOKEN_TTL.toSeconds()))
                    .PUT(HttpRequest.BodyPublishers.noBody()).build());
            if (response.statusCode() != 200) {
                throw new UncheckedIOException(
                        new IOException("metadata service answered " + response.statusCode() + " for a token"));
            }
            token = response.body();
            tokenExpires = now.plus(TOKEN_TTL);
        }
        return token;
    }

    private HttpResponse<String> exchange(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("metadata service unreachable at " + endpoint, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new InterruptedIOException("interrupted asking the metadata service"));
        }
    }
}
