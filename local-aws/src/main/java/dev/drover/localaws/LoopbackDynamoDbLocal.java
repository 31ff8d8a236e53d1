package dev.drover.localaws;

import java.lang.reflect.Field;

/**
 * Starts DynamoDB Local listening on loopback only. Its {@code -port} option has no host, so it
 * would listen on every interface and anyone on the network could read results and write claims
 * during a run; this builds the same server from the same arguments, then binds its connectors
 * to 127.0.0.1 before starting it.
 *
 * <p>Self-contained and reflective on purpose: {@link EmulatorProcess} copies this class file next
 * to DynamoDB Local's jars, and Drover's own class path holds neither DynamoDB Local nor Jetty.
 */
public final class LoopbackDynamoDbLocal {
    private LoopbackDynamoDbLocal() {
    }

    public static void main(String[] args) throws Exception {
        Object proxy = Class.forName("software.amazon.dynamodb.services.local.main.ServerRunner")
                .getMethod("createServerFromCommandLineArgs", String[].class).invoke(null, (Object) args);
        Field field = proxy.getClass().getDeclaredField("server");
        field.setAccessible(true);
        Object jetty = field.get(proxy);
        for (Object connector : (Object[]) jetty.getClass().getMethod("getConnectors").invoke(jetty)) {
            connector.getClass().getMethod("setHost", String.class).invoke(connector, "127.0.0.1");
        }
        proxy.getClass().getMethod("start").invoke(proxy);
    }
}
