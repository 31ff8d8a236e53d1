package dev.drover.infra;

import software.amazon.awscdk.App;
import software.amazon.awscdk.StackProps;

/**
 * Entry point of the CDK app ({@code cdk.json} runs it). Context values (each {@code -c key=value}):
 * {@code amiId} (required to deploy), {@code allowedCidr} (required), {@code instanceType},
 * {@code schedulerInstanceType}, {@code maxWorkers}, {@code workerThreads}, {@code idleTimeout},
 * {@code stackName} (default {@value #DEFAULT_STACK_NAME}).
 */
public final class DroverApp {
    public static final String DEFAULT_STACK_NAME = "Drover";

    private DroverApp() {}

    public static void main(String[] args) {
        App app = new App();
        Object name = app.getNode().tryGetContext("stackName");
        String stackName = name == null ? DEFAULT_STACK_NAME : name.toString();
        // Environment-agnostic on purpose: synth needs no account lookups, deploy uses the CLI's region.
        new DroverStack(app, stackName, StackProps.builder()
                .description("Drover: queues, tables, bucket and EC2 fleet for many-task workloads")
                .build(), DroverConfig.fromContext(app.getNode()));
        app.synth();
    }
}
