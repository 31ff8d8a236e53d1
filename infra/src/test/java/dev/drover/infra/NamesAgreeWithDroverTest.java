package dev.drover.infra;

import static dev.drover.infra.TemplateJson.asMap;
import static dev.drover.infra.TemplateJson.render;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.aws.DroverResources;
import dev.drover.aws.DynamoDbSchema;
import dev.drover.aws.Ec2LaunchSpec;
import dev.drover.aws.StackOutputs;
import dev.drover.core.EnvironmentVariables;
import dev.drover.core.port.PayloadStore;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.CfnElement;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Template;
import software.constructs.IConstruct;

/**
 * The CDK app cannot import Drover's modules, so it writes the names Drover reads (environment
 * variables, table keys, outputs, bucket prefixes) itself. This checks them against their one home
 * in Drover's code: {@link EnvironmentVariables}, {@link DynamoDbSchema}, {@link StackOutputs},
 * {@link PayloadStore}.
 */
class NamesAgreeWithDroverTest {
    static DroverStack stack;
    static Map<String, Object> json;

    @BeforeAll
    static void synthesize() {
        App app = new App(AppProps.builder().context(Map.of("amiId", "ami-0123456789abcdef0",
                "allowedCidr", "198.51.100.0/24")).build());
        stack = new DroverStack(app, "Drover", StackProps.builder().build(), DroverConfig.fromContext(app.getNode()));
        json = Template.fromStack(stack).toJSON();
    }

    static Map<String, Object> properties(IConstruct construct) {
        String id = stack.resolve(((CfnElement) construct.getNode().getDefaultChild()).getLogicalId()).toString();
        return asMap(asMap(asMap(json.get("Resources")).get(id)).get("Properties"));
    }

    /** The variable names of KEY=VALUE lines, in order. */
    static Set<String> names(String envFile) {
        return Arrays.stream(envFile.split("\n")).filter(line -> !line.isBlank())
                .map(line -> line.substring(0, line.indexOf('=')))
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    static Set<String> workerUserData() {
        return names(render(asMap(properties(stack.fleet.launchTemplate).get("LaunchTemplateData")).get("UserData")));
    }

    /** The env file's lines the user data writes, and the ones it appends (the private address, read at boot). */
    static Set<String> schedulerEnvFile() {
        String script = render(asMap(properties(stack.scheduler.launchTemplate).get("LaunchTemplateData")).get("UserData"));
        String start = "<<'DROVER_ENV'\n";
        String body = script.substring(script.indexOf(start) + start.length(), script.indexOf("\nDROVER_ENV"));
        Set<String> names = names(body);
        java.util.regex.Matcher appended = java.util.regex.Pattern
                .compile("echo \"([A-Z_]+)=[^\"]*\" >> /etc/drover/scheduler.env").matcher(script);
        while (appended.find()) {
            names.add(appended.group(1));
        }
        return names;
    }

    static Set<String> minus(Set<String> a, Set<String> b) {
        Set<String> left = new TreeSet<>(a);
        left.removeAll(b);
        return left;
    }

    // --- environment variables ------------------------------------------------------------------

    @Test
    void everyNameTheStackSetsIsOneDroverKnows() {
        assertEquals(Set.of(), minus(workerUserData(), EnvironmentVariables.ALL), "worker user data");
        assertEquals(Set.of(), minus(schedulerEnvFile(), EnvironmentVariables.ALL), "scheduler env file");
    }

    @Test
    void theWorkersUserDataIsExactlyWhatADeployedWorkerReads() {
        Set<String> set = workerUserData();
        assertEquals(new TreeSet<>(EnvironmentVariables.DEPLOYED_WORKER), new TreeSet<>(set));
        assertEquals(Set.of(), minus(set, EnvironmentVariables.READ_BY_WORKER), "set but never read by drover worker");
        // The resource names in the order DroverResources writes them, first.
        assertEquals(List.copyOf(new DroverResources("q", "r", "d", "c", "j", "b").toEnvironment().keySet()),
                List.copyOf(set).subList(0, EnvironmentVariables.RESOURCES.size()));
    }

    /**
     * The scheduler replaces the template's user data with its own at each launch: the two carry
     * the same names, except the marker that the scheduler launched the instance.
     */
    @Test
    void theTemplatesUserDataNamesWhatTheSchedulersLaunchesSendLessTheLaunchMarker() {
        Map<String, String> launched = Ec2LaunchSpec.workerEnvironment(new DroverResources("q", "r", "d", "c", "j", "b"),
                4, Duration.ofSeconds(90), "eu-west-1");
        assertEquals(Set.of(EnvironmentVariables.SHUTDOWN_ON_IDLE), minus(launched.keySet(), workerUserData()));
        assertEquals(Set.of(), minus(workerUserData(), launched.keySet()));
    }

    @Test
    void theSchedulersEnvFileHasEverythingTheSchedulerReads() {
        Set<String> set = schedulerEnvFile();
        assertEquals(Set.of(), minus(EnvironmentVariables.READ_BY_SCHEDULER, set), "missing from the scheduler host");
        assertEquals(Set.of(), minus(set, EnvironmentVariables.READ_BY_SCHEDULER), "written for the scheduler but not read by it");
    }

    /** The image's unit starts the replica with what this user data writes, on the port the load balancer sends to. */
    @Test
    void theReplicaUnitStartsAReplicaFromWhatTheUserDataWrites() throws java.io.IOException {
        java.nio.file.Path unit = java.nio.file.Path.of(System.getProperty("basedir", "."))
                .resolve("../ami-build/drover-scheduler.service");
        List<String> exec = java.nio.file.Files.readAllLines(unit).stream().filter(l -> l.startsWith("Exec")).toList();
        String start = exec.stream().filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow();
        assertTrue(start.contains(" scheduler -s " + SchedulerReplicas.PORT + " --bind ${DROVER_PRIVATE_ADDRESS} -rw --replica"
                + " --replica-lease ${DROVER_REPLICA_LEASE} "), start);
        Set<String> used = new TreeSet<>();
        java.util.regex.Matcher variable = java.util.regex.Pattern.compile("\\$\\{([A-Z_]+)}").matcher(String.join("\n", exec));
        while (variable.find()) {
            used.add(variable.group(1));
        }
        used.remove("STATE_DIRECTORY"); // systemd's own
        assertTrue(used.containsAll(Set.of("DROVER_TLS_PARAMETER", "DROVER_TLS_DNS_NAME", "DROVER_PRIVATE_ADDRESS")), used.toString());
        assertEquals(Set.of(), minus(used, schedulerEnvFile()), "the unit reads what the user data does not write");
    }

    @Test
    void theReplicasDeployedLeaseIsTheSchedulersDeployedTiming() {
        assertEquals(dev.drover.scheduler.replica.ReplicaTiming.DEPLOYED.lease(),
                dev.drover.core.workload.Durations.parse(SchedulerReplicas.REPLICA_LEASE));
        // --replica-lease D beats every D/5 and stops 0.3 D early: the same heartbeat and margin
        assertEquals(dev.drover.scheduler.replica.ReplicaTiming.DEPLOYED.heartbeat(),
                dev.drover.core.workload.Durations.parse(SchedulerReplicas.REPLICA_LEASE).dividedBy(5));
        assertEquals(dev.drover.scheduler.replica.ReplicaTiming.DEPLOYED.margin(),
                dev.drover.core.workload.Durations.parse(SchedulerReplicas.REPLICA_LEASE).multipliedBy(3).dividedBy(10));
    }

    // --- tables ---------------------------------------------------------------------------------

    @Test
    void theClaimsTableHasTheKeyAndTtlTheAdaptersUse() {
        Map<String, Object> claims = properties(stack.tables.claims);
        assertEquals(List.of(Map.of("AttributeName", DynamoDbSchema.Claims.KEY, "KeyType", "HASH")), claims.get("KeySchema"));
        assertEquals(List.of(Map.of("AttributeName", DynamoDbSchema.Claims.KEY, "AttributeType", "S")),
                claims.get("AttributeDefinitions"));
        assertEquals(DynamoDbSchema.Claims.TTL, asMap(claims.get("TimeToLiveSpecification")).get("AttributeName"));
        assertEquals(DynamoDbSchema.Claims.KEY, Tables.CLAIMS_KEY);
        assertEquals(DynamoDbSchema.Claims.TTL, Tables.CLAIMS_TTL);
    }

    @Test
    void theJobsTableHasTheKeysAndTtlTheAdapterUses() {
        Map<String, Object> jobs = properties(stack.tables.jobs);
        assertEquals(List.of(Map.of("AttributeName", DynamoDbSchema.Jobs.PARTITION_KEY, "KeyType", "HASH"),
                Map.of("AttributeName", DynamoDbSchema.Jobs.SORT_KEY, "KeyType", "RANGE")), jobs.get("KeySchema"));
        assertEquals(Set.of(Map.of("AttributeName", DynamoDbSchema.Jobs.PARTITION_KEY, "AttributeType", "S"),
                Map.of("AttributeName", DynamoDbSchema.Jobs.SORT_KEY, "AttributeType", "S"),
                Map.of("AttributeName", DynamoDbSchema.Jobs.UNFINISHED, "AttributeType", "S")),
                Set.copyOf((List<?>) jobs.get("AttributeDefinitions")));
        Map<String, Object> index = asMap(((List<?>) jobs.get("GlobalSecondaryIndexes")).get(0));
        assertEquals(DynamoDbSchema.Jobs.UNFINISHED_INDEX, index.get("IndexName"));
        assertEquals(List.of(Map.of("AttributeName", DynamoDbSchema.Jobs.UNFINISHED, "KeyType", "HASH")), index.get("KeySchema"));
        assertEquals(Set.of(DynamoDbSchema.Jobs.JOB_ID, DynamoDbSchema.Jobs.OWNER_REPLICA, DynamoDbSchema.Jobs.EPOCH),
                Set.copyOf((List<?>) asMap(index.get("Projection")).get("NonKeyAttributes")));
        assertEquals(DynamoDbSchema.Jobs.TTL, asMap(jobs.get("TimeToLiveSpecification")).get("AttributeName"));
        assertEquals(DynamoDbSchema.Jobs.TTL, Tables.JOBS_TTL);
        assertEquals(DynamoDbSchema.Jobs.PARTITION_KEY, Tables.JOBS_PARTITION_KEY);
        assertEquals(DynamoDbSchema.Jobs.SORT_KEY, Tables.JOBS_SORT_KEY);
    }

    // --- outputs and bucket ---------------------------------------------------------------------

    @Test
    void theStackHasEveryOutputTheCliReads() {
        Set<String> outputs = asMap(json.get("Outputs")).keySet();
        assertEquals(Set.of(), minus(Set.copyOf(StackOutputs.READ), outputs));
    }

    @Test
    void theBucketPrefixesAreTheOnesDroverWrites() {
        assertEquals(PayloadStore.PAYLOADS_PREFIX, Storage.PAYLOADS);
        assertEquals(PayloadStore.WORKLOADS_PREFIX, Storage.WORKLOADS);
        assertEquals(PayloadStore.OUTPUTS_PREFIX, Storage.OUTPUTS);
        assertEquals(PayloadStore.FILES_PREFIX, Storage.FILES);
        List<?> rules = (List<?>) asMap(properties(stack.storage.bucket).get("LifecycleConfiguration")).get("Rules");
        Set<Object> expiring = rules.stream().map(r -> asMap(r).get("Prefix")).filter(p -> p != null)
                .collect(Collectors.toSet());
        assertTrue(expiring.contains(PayloadStore.PAYLOADS_PREFIX), "offloaded message bodies expire: " + expiring);
        assertEquals(Set.copyOf(dev.drover.core.retention.StoreRetention.PREFIXES), expiring,
                "the bucket expires what the local store's retention expires");
    }
}
