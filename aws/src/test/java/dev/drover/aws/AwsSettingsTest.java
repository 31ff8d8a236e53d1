package dev.drover.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AwsSettingsTest {

    @Test
    void realAwsByDefault() {
        AwsSettings settings = AwsSettings.fromEnvironment(Map.of(), Optional.empty());
        assertEquals("us-east-1", settings.region());
        assertEquals(Optional.empty(), settings.sqsEndpointOverride());
        assertEquals(Optional.empty(), settings.ec2EndpointOverride());
        assertFalse(settings.staticDummyCredentials());
    }

    @Test
    void awsRegionBeatsAwsDefaultRegion() {
        assertEquals("eu-west-1", AwsSettings.fromEnvironment(
                Map.of("AWS_REGION", "eu-west-1", "AWS_DEFAULT_REGION", "us-west-2"), Optional.empty()).region());
        assertEquals("us-west-2", AwsSettings.fromEnvironment(
                Map.of("AWS_DEFAULT_REGION", "us-west-2"), Optional.empty()).region());
    }

    @Test
    void serviceSpecificEndpointBeatsTheGeneralOne() {
        AwsSettings settings = AwsSettings.fromEnvironment(Map.of(
                "AWS_ENDPOINT_URL", "http://localhost:4566",
                "AWS_ENDPOINT_URL_SQS", "http://127.0.0.1:9324",
                "AWS_ACCESS_KEY_ID", "test"), Optional.empty());
        assertEquals(Optional.of(URI.create("http://127.0.0.1:9324")), settings.sqsEndpointOverride());
        assertEquals(Optional.of(URI.create("http://localhost:4566")), settings.dynamoDbEndpointOverride());
        assertEquals(Optional.of(URI.create("http://localhost:4566")), settings.s3EndpointOverride());
        assertEquals(Optional.of(URI.create("http://localhost:4566")), settings.ec2EndpointOverride());
        assertFalse(settings.staticDummyCredentials(), "credentials are configured: use them");
    }

    @Test
    void endpointFlagBeatsTheEnvironmentForEveryService() {
        URI flag = URI.create("http://127.0.0.1:4566");
        AwsSettings settings = AwsSettings.fromEnvironment(
                Map.of("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9000"), Optional.of(flag));
        assertEquals(Optional.of(flag), settings.s3EndpointOverride());
        assertEquals(Optional.of(flag), settings.sqsEndpointOverride());
    }

    @Test
    void dummyCredentialsOnlyWhenNoneAreConfiguredAndEverythingIsOnLoopback() {
        Map<String, String> loopback = Map.of(
                "AWS_ENDPOINT_URL_SQS", "http://127.0.0.1:1",
                "AWS_ENDPOINT_URL_DYNAMODB", "http://localhost:2",
                "AWS_ENDPOINT_URL_S3", "http://[::1]:3");
        assertTrue(AwsSettings.fromEnvironment(loopback, Optional.empty()).staticDummyCredentials());
        assertFalse(AwsSettings.fromEnvironment(Map.of("AWS_ENDPOINT_URL_SQS", "http://127.0.0.1:1"),
                Optional.empty()).staticDummyCredentials(), "DynamoDB and S3 would go to real AWS");
        assertFalse(AwsSettings.fromEnvironment(Map.of("AWS_PROFILE", "dev"), Optional.of(URI.create(
                "http://127.0.0.1:4566"))).staticDummyCredentials());
        assertFalse(AwsSettings.fromEnvironment(Map.of(), Optional.of(URI.create(
                "https://sqs.example.com"))).staticDummyCredentials());
    }

    @Test
    void blankVariablesAreIgnored() {
        AwsSettings settings = AwsSettings.fromEnvironment(
                Map.of("AWS_REGION", " ", "AWS_ENDPOINT_URL", ""), Optional.empty());
        assertEquals("us-east-1", settings.region());
        assertEquals(Optional.empty(), settings.endpoint());
    }
}
