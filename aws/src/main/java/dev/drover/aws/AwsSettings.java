package dev.drover.aws;

import static dev.drover.core.EnvironmentVariables.AWS_ACCESS_KEY_ID;
import static dev.drover.core.EnvironmentVariables.AWS_DEFAULT_REGION;
import static dev.drover.core.EnvironmentVariables.AWS_ENDPOINT_URL;
import static dev.drover.core.EnvironmentVariables.AWS_ENDPOINT_URL_DYNAMODB;
import static dev.drover.core.EnvironmentVariables.AWS_ENDPOINT_URL_EC2;
import static dev.drover.core.EnvironmentVariables.AWS_ENDPOINT_URL_S3;
import static dev.drover.core.EnvironmentVariables.AWS_ENDPOINT_URL_SQS;
import static dev.drover.core.EnvironmentVariables.AWS_PROFILE;
import static dev.drover.core.EnvironmentVariables.AWS_REGION;
import static dev.drover.core.EnvironmentVariables.AWS_WEB_IDENTITY_TOKEN_FILE;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where and as whom Drover talks to AWS: the region, optional endpoint overrides (one for all
 * services, or one per service, as LocalStack or the local emulators need) and whether to use
 * static dummy credentials instead of the AWS default credentials chain.
 *
 * <p>A service-specific endpoint wins over the general one, as in the AWS SDKs and CLI.
 */
public record AwsSettings(
        String region,
        Optional<URI> endpoint,
        Optional<URI> sqsEndpoint,
        Optional<URI> dynamoDbEndpoint,
        Optional<URI> s3Endpoint,
        Optional<URI> ec2Endpoint,
        boolean staticDummyCredentials) {

    public static final String DEFAULT_REGION = "us-east-1";
    /**
     * Emulator credentials, obviously not real ones. Letters and digits only: some emulators
     * (DynamoDB Local 2.0 and later, for one) reject access key ids with other characters.
     */
    public static final String DUMMY_ACCESS_KEY_ID = "droverlocal";
    public static final String DUMMY_SECRET_ACCESS_KEY = "droverlocal";

    public AwsSettings {
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(sqsEndpoint, "sqsEndpoint");
        Objects.requireNonNull(dynamoDbEndpoint, "dynamoDbEndpoint");
        Objects.requireNonNull(s3Endpoint, "s3Endpoint");
        Objects.requireNonNull(ec2Endpoint, "ec2Endpoint");
    }

    /** Real AWS in {@code region}, credentials from the default chain. */
    public static AwsSettings forRegion(String region) {
        return new AwsSettings(region, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), false);
    }

    /** Emulators on the given endpoints, with static dummy credentials. */
    public static AwsSettings forEmulators(String region, URI sqs, URI dynamoDb, URI s3) {
        return new AwsSettings(region, Optional.empty(), Optional.of(sqs), Optional.of(dynamoDb),
                Optional.of(s3), Optional.empty(), true);
    }

    /**
     * Reads the standard AWS variables: AWS_REGION (else AWS_DEFAULT_REGION, else us-east-1),
     * AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_SQS / _DYNAMODB / _S3 / _EC2. An explicit
     * {@code --endpoint} flag beats the environment and applies to every service.
     *
     * <p>Dummy credentials are used only when no credentials are configured
     * (no AWS_ACCESS_KEY_ID, AWS_PROFILE or AWS_WEB_IDENTITY_TOKEN_FILE) and SQS, DynamoDB and S3 all
     * point at loopback: emulators need no account, and the default chain would otherwise fail
     * after probing the EC2 metadata service.
     */
    public static AwsSettings fromEnvironment(Map<String, String> env, Optional<URI> endpointFlag) {
        String region = nonBlank(env.get(AWS_REGION))
                .or(() -> nonBlank(env.get(AWS_DEFAULT_REGION)))
                .orElse(DEFAULT_REGION);
        AwsSettings settings;
        if (endpointFlag.isPresent()) {
            settings = new AwsSettings(region, endpointFlag, Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), false);
        } else {
            settings = new AwsSettings(region,
                    uri(env, AWS_ENDPOINT_URL),
                    uri(env, AWS_ENDPOINT_URL_SQS),
                    uri(env, AWS_ENDPOINT_URL_DYNAMODB),
                    uri(env, AWS_ENDPOINT_URL_S3),
                    uri(env, AWS_ENDPOINT_URL_EC2),
                    false);
        }
        boolean noCredentials = Stream.of(AWS_ACCESS_KEY_ID, AWS_PROFILE, AWS_WEB_IDENTITY_TOKEN_FILE)
                .allMatch(name -> nonBlank(env.get(name)).isEmpty());
        boolean allLoopback = Stream.of(settings.sqsEndpointOverride(), settings.dynamoDbEndpointOverride(),
                settings.s3EndpointOverride()).allMatch(e -> e.filter(AwsSettings::isLoopback).isPresent());
        return noCredentials && allLoopback ? settings.withStaticDummyCredentials() : settings;
    }

    public AwsSettings withStaticDummyCredentials() {
        return new AwsSettings(region, endpoint, sqsEndpoint, dynamoDbEndpoint, s3Endpoint, ec2Endpoint, true);
    }

    public Optional<URI> sqsEndpointOverride() {
        return sqsEndpoint.or(() -> endpoint);
    }

    public Optional<URI> dynamoDbEndpointOverride() {
        return dynamoDbEndpoint.or(() -> endpoint);
    }

    public Optional<URI> s3EndpointOverride() {
        return s3Endpoint.or(() -> endpoint);
    }

    public Optional<URI> ec2EndpointOverride() {
        return ec2Endpoint.or(() -> endpoint);
    }

    private static Optional<String> nonBlank(String value) {
        return Optional.ofNullable(value).map(String::trim).filter(v -> !v.isEmpty());
    }

    private static Optional<URI> uri(Map<String, String> env, String name) {
        return nonBlank(env.get(name)).map(value -> {
            try {
                return URI.create(value);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + " is not a valid URL: " + value, e);
            }
        });
    }

    private static boolean isLoopback(URI uri) {
        String host = uri.getHost();
        if (host == null) {
            return false;
        }
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        try {
            // Only literal addresses are checked: no DNS look-up for a real host name.
            return (Character.isDigit(host.charAt(0)) || host.startsWith("["))
                    && InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
