package dev.drover.aws;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import org.junit.jupiter.api.Test;

class AwsClientsTest {
    @Test
    void onlyEndpointsOnThisMachineCountAsLoopback() {
        assertTrue(AwsClients.isLoopback(URI.create("http://127.0.0.1:9324")));
        assertTrue(AwsClients.isLoopback(URI.create("http://localhost:9324")));
        assertTrue(AwsClients.isLoopback(URI.create("http://[::1]:9324")));
        assertFalse(AwsClients.isLoopback(URI.create("https://sqs.us-east-1.amazonaws.com")));
        assertFalse(AwsClients.isLoopback(URI.create("http://10.0.0.5:4566")));
        assertFalse(AwsClients.isLoopback(URI.create("http://127.example.com")));
    }
}
