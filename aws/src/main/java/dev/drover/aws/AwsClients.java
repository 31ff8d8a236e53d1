package dev.drover.aws;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * The one place that builds SDK clients, so that region, credentials, endpoints, HTTP pool,
 * retries and metering are set the same way for every service. Clients are built on first use
 * (a worker never needs EC2, the CLI rarely needs all of them) and are thread-safe; share one
 * instance per process and close it on shutdown.
 */
public final class AwsClients implements AutoCloseable {
    /** A worker runs up to ~32 threads, each of which may hold a connection to a service. */
    public static final int MAX_CONNECTIONS = 64;
    public static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(5);
    /** Longer than SQS's maximum long poll (20 s), so a long poll is never cut off. */
    public static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration CONNECTION_ACQUISITION_TIMEOUT = Duration.ofSeconds(10);
    /** Standard retry mode: exponential backoff with jitter, throttling-aware, 1 try + 4 retries. */
    public static final int MAX_ATTEMPTS = 5;
    /**
     * DynamoDB answers in milliseconds; a call that hangs must fail well within a heartbeat, so a
     * lease renewal never outlasts the lease it renews (the default would allow 30 s × 5 attempts).
     */
    public static final Duration DYNAMODB_ATTEMPT_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration DYNAMODB_CALL_TIMEOUT = Duration.ofSeconds(5);

    private final AwsSettings settings;
    private final AwsCredentialsProvider credentials;
    private final ApacheHttpClient.Builder http = ApacheHttpClient.builder()
            .maxConnections(MAX_CONNECTIONS)
            .connectionTimeout(CONNECTION_TIMEOUT)
            .socketTimeout(SOCKET_TIMEOUT)
            .connectionAcquisitionTimeout(CONNECTION_ACQUISITION_TIMEOUT);
    private final CallMeter meter = new CallMeter();
    private final List<SdkAutoCloseable> built = new ArrayList<>();
    private SqsClient sqs;
    private DynamoDbClient dynamoDb;
    private S3Client s3;
    private Ec2Client ec2;
    private CloudWatchClient cloudWatch;
    private boolean closed;

    public AwsClients(AwsSettings settings) {
        this.settings = settings;
        this.credentials = settings.staticDummyCredentials()
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        AwsSettings.DUMMY_ACCESS_KEY_ID, AwsSettings.DUMMY_SECRET_ACCESS_KEY))
                : DefaultCredentialsProvider.builder().build();
    }

    public AwsSettings settings() {
        return settings;
    }

    public synchronized SqsClient sqs() {
        if (sqs == null) {
            Optional<URI> endpoint = settings.sqsEndpointOverride();
            // The MD5 of every message body guards against corruption on the wire; on loopback there
            // is no wire, and the digests were a large share of a local worker's processor time.
            sqs = track(configure(SqsClient.builder(), endpoint)
                    .checksumValidationEnabled(!endpoint.map(AwsClients::isLoopback).orElse(false)).build());
        }
        return sqs;
    }

    public synchronized DynamoDbClient dynamoDb() {
        if (dynamoDb == null) {
            dynamoDb = track(configure(DynamoDbClient.builder(), settings.dynamoDbEndpointOverride(),
                    o -> o.apiCallAttemptTimeout(DYNAMODB_ATTEMPT_TIMEOUT).apiCallTimeout(DYNAMODB_CALL_TIMEOUT)).build());
        }
        return dynamoDb;
    }

    public synchronized S3Client s3() {
        if (s3 == null) {
            Optional<URI> endpoint = settings.s3EndpointOverride();
            // Emulators serve buckets by path; virtual-host style would need DNS for bucket.host names.
            S3ClientBuilder builder = configure(S3Client.builder(), endpoint).forcePathStyle(endpoint.isPresent());
            if (endpoint.map(AwsClients::isLoopback).orElse(false)) {
                // On loopback there is no wire to guard: no SHA-256 of the payload for its signature and no
                // CRC32 of it (Drover hashes every output itself, and a download checks that hash).
                builder.putAuthScheme(new LoopbackUnsignedPayload())
                        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED);
            }
            s3 = track(builder.build());
        }
        return s3;
    }

    public synchronized Ec2Client ec2() {
        if (ec2 == null) {
            ec2 = track(configure(Ec2Client.builder(), settings.ec2EndpointOverride()).build());
        }
        return ec2;
    }

    /** CloudWatch, for the scheduler's metrics (no emulator: always the region's endpoint). */
    public synchronized CloudWatchClient cloudWatch() {
        if (cloudWatch == null) {
            cloudWatch = track(configure(CloudWatchClient.builder(), Optional.empty()).build());
        }
        return cloudWatch;
    }

    /** Closes every client built so far and the credentials provider; later calls fail. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        built.forEach(SdkAutoCloseable::close);
        built.clear();
        if (credentials instanceof SdkAutoCloseable closeable) {
            closeable.close();
        }
    }

    private <B extends AwsClientBuilder<B, ?> & SdkSyncClientBuilder<B, ?>> B configure(
            B builder, Optional<URI> endpoint) {
        return configure(builder, endpoint, o -> { });
    }

    private <B extends AwsClientBuilder<B, ?> & SdkSyncClientBuilder<B, ?>> B configure(
            B builder, Optional<URI> endpoint, Consumer<ClientOverrideConfiguration.Builder> extra) {
        if (closed) {
            throw new IllegalStateException("AwsClients is closed");
        }
        builder.region(Region.of(settings.region()))
                .credentialsProvider(credentials)
                .httpClientBuilder(http)
                .overrideConfiguration(o -> o
                        .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                                .maxAttempts(MAX_ATTEMPTS).build())
                        .addExecutionInterceptor(meter)
                        .applyMutation(extra));
        endpoint.ifPresent(builder::endpointOverride);
        return builder;
    }

    /** Whether the endpoint names this machine: {@code localhost}, 127.x.x.x or ::1 (no DNS lookup). */
    static boolean isLoopback(URI endpoint) {
        String host = endpoint.getHost();
        return host != null && (host.equalsIgnoreCase("localhost") || host.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}")
                || host.equals("[::1]") || host.equals("::1"));
    }

    private <C extends SdkAutoCloseable> C track(C client) {
        built.add(client);
        return client;
    }
}
