package dev.drover.aws;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.core.codec.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The deployed stack's outputs, as {@code cdk deploy --outputs-file FILE} writes them
 * ({@code {"Drover": {"RequestQueueUrl": ..., ...}}}): everything the CLI needs, so nobody copies
 * names by hand.
 */
public record StackOutputs(String stack, Map<String, String> outputs) {

    /** Reads the named stack's outputs from the file, or the file's only stack when no name is given. */
    public static StackOutputs read(Path file, Optional<String> stackName) throws IOException {
        JsonNode root = Json.MAPPER.readTree(file.toFile());
        String stack = stackName.orElseGet(() -> {
            Iterator<String> names = root.fieldNames();
            String first = names.hasNext() ? names.next() : null;
            if (first == null || names.hasNext()) {
                throw new IllegalArgumentException(file + ": name the stack with --stack (the file has "
                        + root.size() + " stacks)");
            }
            return first;
        });
        JsonNode node = root.get(stack);
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(file + ": no outputs for stack " + stack);
        }
        Map<String, String> outputs = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> outputs.put(e.getKey(), e.getValue().asText()));
        return new StackOutputs(stack, Map.copyOf(outputs));
    }

    private String require(String key) {
        String v = outputs.get(key);
        if (v == null) {
            throw new IllegalArgumentException("stack " + stack + " has no output " + key);
        }
        return v;
    }

    /** The scheduler's HOST:PORT, from the {@code SchedulerUrl} output. */
    public String schedulerAddress() {
        return require("SchedulerUrl").replaceFirst("^https?://", "").replaceAll("/+$", "");
    }

    public DroverResources resources() {
        return new DroverResources(require("RequestQueueUrl"), require("ResponseQueueUrl"),
                outputs.getOrDefault("DeadLetterQueueUrl", ""), require("ClaimsTable"),
                outputs.getOrDefault("JobsTable", ""), require("Bucket"));
    }

    /** The environment a worker or scheduler on this stack needs: names, region, launch template. */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>(resources().toEnvironment());
        Optional.ofNullable(outputs.get("Region")).ifPresent(r -> env.put("AWS_REGION", r));
        Optional.ofNullable(outputs.get("LaunchTemplateName")).ifPresent(t -> env.put("DROVER_LAUNCH_TEMPLATE", t));
        Optional.ofNullable(outputs.get("SubnetIds")).ifPresent(s -> env.put("DROVER_SUBNET_IDS", s));
        return env;
    }
}
