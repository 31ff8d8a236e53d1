package dev.drover.cli;

import dev.drover.service.SchedulerService;
import dev.drover.service.ServiceOptions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.drover.aws.CloudWatchMetricSink;
import dev.drover.core.InfrastructureException;
import dev.drover.scheduler.Scheduler;
import dev.drover.scheduler.metrics.MetricsPusher;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.thirdparty.jackson.core.JsonParser;
import software.amazon.awssdk.thirdparty.jackson.core.JsonToken;
import software.amazon.awssdk.thirdparty.jackson.dataformat.cbor.CBORFactory;

/**
 * The figures of {@code GET /metrics} reach CloudWatch: the SDK's real client sends PutMetricData to a
 * small HTTP server in this test (there is no CloudWatch emulator here), which decodes the requests (the
 * SDK speaks Smithy RPC v2 CBOR to CloudWatch) so the test can check metric names, dimensions and values.
 */
class CloudWatchMetricsTest {
    @TempDir
    Path dir;
    HttpServer server;
    final List<Map<String, Object>> calls = new CopyOnWriteArrayList<>();
    final List<String> paths = new CopyOnWriteArrayList<>();
    final AtomicInteger status = new AtomicInteger(200);
    CloudWatchClient client;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            paths.add(ex.getRequestURI().getPath());
            byte[] body = ex.getRequestBody().readAllBytes();
            try (JsonParser p = new CBORFactory().createParser(body)) {
                p.nextToken();
                @SuppressWarnings("unchecked")
                Map<String, Object> call = (Map<String, Object>) read(p);
                calls.add(call);
            }
            ex.getResponseHeaders().set("smithy-protocol", "rpc-v2-cbor");
            ex.getResponseHeaders().set("Content-Type", "application/cbor");
            byte[] empty = {(byte) 0xA0}; // an empty CBOR map: PutMetricData answers nothing
            ex.sendResponseHeaders(status.get(), empty.length);
            ex.getResponseBody().write(empty);
            ex.close();
        });
        server.start();
        client = CloudWatchClient.builder().region(Region.US_EAST_1)
                .endpointOverride(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1)))
                .build();
    }

    @AfterEach
    void stop() {
        client.close();
        server.stop(0);
    }

    /** A CBOR value as maps, lists, strings and numbers. */
    static Object read(JsonParser p) throws IOException {
        JsonToken t = p.getCurrentToken();
        switch (t) {
            case START_OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() != JsonToken.END_OBJECT) {
                    String key = p.getCurrentName();
                    p.nextToken();
                    m.put(key, read(p));
                }
                return m;
            }
            case START_ARRAY -> {
                List<Object> l = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    l.add(read(p));
                }
                return l;
            }
            case VALUE_STRING -> {
                return p.getText();
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                return p.getNumberValue();
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return p.getBooleanValue();
            }
            default -> {
                return null;
            }
        }
    }

    /** Every datum sent, keyed by name and its dimensions as {@code name{k=v,…}}. */
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> datums(Map<String, Object> call) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        for (Object o : (List<Object>) call.get("MetricData")) {
            Map<String, Object> d = (Map<String, Object>) o;
            List<String> dims = new ArrayList<>();
            for (Object x : (List<Object>) d.getOrDefault("Dimensions", List.of())) {
                Map<String, Object> dim = (Map<String, Object>) x;
                dims.add(dim.get("Name") + "=" + dim.get("Value"));
            }
            java.util.Collections.sort(dims);
            out.put(d.get("MetricName") + "{" + String.join(",", dims) + "}", d);
        }
        return out;
    }

    static double value(Map<String, Map<String, Object>> datums, String key) {
        Map<String, Object> d = datums.get(key);
        assertTrue(d != null, key + " was sent; sent: " + datums.keySet());
        return ((Number) d.get("Value")).doubleValue();
    }

    @Test
    void theFiguresOfMetricsArePutToCloudWatchUnderTheNamespace() throws Exception {
        Clock clock = Clock.systemUTC();
        Clock fixed = Clock.fixed(Instant.parse("2026-12-01T12:00:00Z"), ZoneOffset.UTC);
        try (SchedulerService service = SchedulerService.start(ServiceOptions.of(dir.resolve("data"), clock,
                new ServiceOptions.InJvmPool(2)))) {
            Scheduler scheduler = service.scheduler();
            String job = scheduler.submit(new ByteArrayInputStream("sleep 5\n".repeat(5).concat("exit 3\n")
                    .getBytes(StandardCharsets.UTF_8)), "six.txt", "ann").jobId();
            scheduler.awaitDone(job);
            Thread.sleep(1100); // the gauges' snapshot is at most a second old
            MetricsPusher pusher = new MetricsPusher(scheduler.metrics().registry(),
                    new CloudWatchMetricSink(client, "DroverTest", fixed), Duration.ofHours(1));
            pusher.push();
            assertEquals(1, calls.size(), "one PutMetricData call for a few dozen datums");
            assertTrue(paths.get(0).endsWith("/operation/PutMetricData"), paths.toString());
            Map<String, Object> call = calls.get(0);
            assertEquals("DroverTest", call.get("Namespace"));
            Map<String, Map<String, Object>> sent = datums(call);
            assertEquals(5, value(sent, "drover.tasks{status=SUCCEEDED}"));
            assertEquals(1, value(sent, "drover.tasks{status=FAILED}"));
            assertEquals(1, value(sent, "drover.jobs{state=DONE}"));
            assertEquals(0, value(sent, "drover.queue.messages{state=visible}"));
            assertEquals(6, value(sent, "drover.task.latency.count{}"));
            assertEquals("Milliseconds", sent.get("drover.task.latency.avg{}").get("Unit"));
            assertEquals("Count", sent.get("drover.tasks{status=SUCCEEDED}").get("Unit"));
            assertTrue(value(sent, "drover.task.latency.max{}") >= value(sent, "drover.task.latency.avg{}"));
            assertTrue(sent.containsKey("drover.fleet.cost{}") && sent.containsKey("drover.fleet.workers{state=live}"),
                    sent.keySet().toString());
            assertTrue(sent.containsKey("drover.aws.calls{charged=jobs,kind=requests,service=sqs}"), sent.keySet().toString());
            // the same figure as the Prometheus scrape
            assertTrue(scheduler.metrics().scrape().contains("drover_tasks{status=\"SUCCEEDED\"} 5.0"));
            assertEquals(fixed.instant().getEpochSecond(), ((Number) sent.get("drover.tasks{status=SUCCEEDED}")
                    .get("Timestamp")).longValue());

            // the next step sends the change: nothing ran since
            pusher.push();
            Map<String, Map<String, Object>> next = datums(calls.get(1));
            assertEquals(0, value(next, "drover.task.latency.count{}"));
            assertTrue(!next.containsKey("drover.task.latency.avg{}"), "no mean of no tasks");
            assertEquals(5, value(next, "drover.tasks{status=SUCCEEDED}"), "a gauge is sent as read");

            // a refusal reaches the caller as the project's own exception; the timer only logs it
            status.set(400);
            assertThrows(InfrastructureException.class, pusher::push);
        }
    }
}
