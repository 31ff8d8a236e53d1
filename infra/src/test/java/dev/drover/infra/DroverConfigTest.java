package dev.drover.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** Context values: what is required, what the defaults are, what is refused. */
class DroverConfigTest {

    @Test
    void allowedCidrIsRequiredAndHasNoDefault() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> config(Map.of()));
        assertTrue(error.getMessage().contains("allowedCidr is required"), error.getMessage());
    }

    @Test
    void malformedValuesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> config(Map.of("allowedCidr", "203.0.113.7")));
        assertThrows(IllegalArgumentException.class, () -> config(Map.of("allowedCidr", "300.0.113.0/24")));
        assertThrows(IllegalArgumentException.class, () -> config(Map.of("allowedCidr", "203.0.113.0/24", "amiId", "ubuntu")));
        assertThrows(IllegalArgumentException.class, () -> config(Map.of("allowedCidr", "203.0.113.0/24", "maxWorkers", "0")));
        assertThrows(IllegalArgumentException.class, () -> config(Map.of("allowedCidr", "203.0.113.0/24", "maxWorkers", "ten")));
        assertThrows(IllegalArgumentException.class, () -> config(Map.of("allowedCidr", "203.0.113.0/24", "idleTimeout", "soon")));
        assertThrows(IllegalArgumentException.class, () -> config(Map.of("allowedCidr", "203.0.113.0/24", "retentionDays", "0")));
        assertThrows(IllegalArgumentException.class, () -> config(Map.of("allowedCidr", "203.0.113.0/24", "retentionDays", "a month")));
    }

    @Test
    void defaultsApplyWhenOnlyTheCidrIsGiven() {
        DroverConfig config = config(Map.of("allowedCidr", "203.0.113.0/24"));
        assertEquals(new DroverConfig(DroverConfig.PLACEHOLDER_AMI, "203.0.113.0/24", "c6i.large", "t3.small", 10, 2, "2m"),
                config);
        assertTrue(config.placeholderAmi());
    }

    @Test
    void twoSchedulerReplicasByDefaultAndOneToTenOnRequest() {
        assertEquals(2, config(Map.of("allowedCidr", "203.0.113.0/24")).schedulerReplicas());
        assertEquals(1, config(Map.of("allowedCidr", "203.0.113.0/24", "schedulerReplicas", "1")).schedulerReplicas());
        assertEquals(10, config(Map.of("allowedCidr", "203.0.113.0/24", "schedulerReplicas", 10)).schedulerReplicas());
        for (Object refused : new Object[] {"0", "11", "-1", "two"}) {
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                    () -> config(Map.of("allowedCidr", "203.0.113.0/24", "schedulerReplicas", refused)));
            assertTrue(error.getMessage().startsWith("schedulerReplicas must be"), error.getMessage());
        }
    }

    @Test
    void numbersFromCdkJsonAreAcceptedAsWellAsStrings() {
        DroverConfig config = config(Map.of("allowedCidr", "203.0.113.0/24", "maxWorkers", 25, "workerThreads", 8.0));
        assertEquals(25, config.maxWorkers());
        assertEquals(8, config.workerThreads());
    }

    /** `cdk synth` without an image still works, and says loudly that the result cannot be deployed. */
    @Test
    void withoutAnAmiTheStackSynthesizesWithAPlaceholderAndAWarning() {
        App app = app(Map.of("allowedCidr", "203.0.113.0/24"));
        DroverStack stack = new DroverStack(app, "Drover", StackProps.builder().build(), DroverConfig.fromContext(app.getNode()));
        Template.fromStack(stack).hasResourceProperties("AWS::EC2::LaunchTemplate", Map.of(
                "LaunchTemplateData", Map.of("ImageId", DroverConfig.PLACEHOLDER_AMI)));
        Annotations.fromStack(stack).hasWarning("/Drover", Match.stringLikeRegexp(".*placeholder.*cannot be deployed.*"));
    }

    private static DroverConfig config(Map<String, Object> context) {
        return DroverConfig.fromContext(app(context).getNode());
    }

    private static App app(Map<String, Object> context) {
        return new App(AppProps.builder().context(context).build());
    }
}
