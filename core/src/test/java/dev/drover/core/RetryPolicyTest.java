package dev.drover.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.InfrastructureException.Kind;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    final RetryPolicy policy = RetryPolicy.DEFAULT;

    static InfrastructureException failure(Kind kind) {
        return new InfrastructureException("SQS", "Code", null, kind, "boom", null);
    }

    @Test
    void backsOffExponentiallyToItsCapAndResetsAtZero() {
        RuntimeException blip = new RuntimeException("io");
        assertEquals(Duration.ZERO, policy.delayFor(0, blip));
        assertEquals(Duration.ofMillis(100), policy.delayFor(1, blip));
        assertEquals(Duration.ofMillis(200), policy.delayFor(2, blip));
        assertEquals(Duration.ofMillis(3200), policy.delayFor(6, blip));
        assertEquals(Duration.ofSeconds(5), policy.delayFor(7, blip));
        assertEquals(Duration.ofSeconds(5), policy.delayFor(1_000, blip));
    }

    @Test
    void throttlingBacksOffLonger() {
        assertEquals(Duration.ofMillis(400), policy.delayFor(1, failure(Kind.THROTTLED)));
        assertEquals(Duration.ofSeconds(20), policy.delayFor(50, failure(Kind.THROTTLED)));
        assertEquals(Duration.ofMillis(100), policy.delayFor(1, failure(Kind.TRANSIENT)));
    }

    @Test
    void onlyAPermanentInfrastructureFailureIsNotRetried() {
        assertFalse(RetryPolicy.retryable(failure(Kind.PERMANENT)));
        assertTrue(RetryPolicy.retryable(failure(Kind.THROTTLED)));
        assertTrue(RetryPolicy.retryable(failure(Kind.TRANSIENT)));
        assertTrue(RetryPolicy.retryable(new IllegalStateException("unknown")));
    }
}
