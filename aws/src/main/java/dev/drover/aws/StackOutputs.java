package dev.drover.aws;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.core.EnvironmentVariables;
import dev.drover.core.codec.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The deployed stack's outputs, as {@code cdk deploy --outputs-file FILE} writes them
 * ({@code {"Drover": {"RequestQueueUrl": ..., ...}}}): everything the CLI needs, so nobody copies
 * names by hand.
 */
public record StackOutputs(String stack, Map<String, String> outputs) {
    // The output names the CDK app (infra's DroverStack) writes; its tests check they agree.
    public static final String REQUEST_QUEUE_URL = "RequestQueueUrl";
    public static final String RESPONSE_QUEUE_URL = "ResponseQueueUrl";
    public static final String DEAD_LETTER_QUEUE_URL = "DeadLetterQueueUrl";
    public static final String CLAIMS_TABLE = "ClaimsTable";
    public static final String JOBS_TABLE = "JobsTable";
    public static final String BUCKET = "Bucket";
    public static final String SCHEDULER_URL = "SchedulerUrl";
    public static final String REGION = "Region";
    public static final String LAUNCH_TEMPLATE_NAME = "LaunchTemplateName";
    public static final String SUBNET_IDS = "SubnetIds";
    /** Every output this class reads. */
    public static final List<String> READ = List.of(REQUEST_QUEUE_URL, RESPONSE_QUEUE_URL, DEAD_LETTER_QUEUE_URL,
            CLAIMS_TABLE, JOBS_TABLE, BUCKET, SCHEDULER_URL, REGION, LAUNCH_TEMPLATE_NAME, SUBNET_IDS);

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
        return require(SCHEDULER_URL).replaceFirst("^https?://", "").replaceAll("/+$", "");
    }

    public DroverResources resources() {
        return new DroverResources(require(REQUEST_QUEUE_URL), require(RESPONSE_QUEUE_URL),
                outputs.getOrDefault(DEAD_LETTER_QUEUE_URL, ""), require(CLAIMS_TABLE),
                outputs.getOrDefault(JOBS_TABLE, ""), require(BUCKET));
    }

    /** The environment a worker or scheduler on this stack needs: names, region, launch template. */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>(resources().toEnvironment());
        Optional.ofNullable(outputs.get(REGION)).ifPresent(r -> env.put(EnvironmentVariables.AWS_REGION, r));
        Optional.ofNullable(outputs.get(LAUNCH_TEMPLATE_NAME))
                .ifPresent(t -> env.put(EnvironmentVariables.LAUNCH_TEMPLATE, t));
        Optional.ofNullable(outputs.get(SUBNET_IDS)).ifPresent(s -> env.put(EnvironmentVariables.SUBNET_IDS, s));
        return env;
    }
}
