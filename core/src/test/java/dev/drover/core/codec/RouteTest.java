package dev.drover.core.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.drover.core.Usage;
import dev.drover.core.model.ResultBatch;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStart;
import dev.drover.core.model.TaskStatus;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RouteTest {
    static TaskResult result(String job, long finishedAt) {
        return new TaskResult(job, 0, 1, "echo x", TaskStatus.SUCCEEDED, 0, "x\n", "", false, false, "w1", 1, 2, finishedAt, 1, null);
    }

    @Test
    void aBatchRoutesToTheJobsOfItsResultsAndStartsAndItsNewestTime() {
        ResultBatch b = new ResultBatch("w1", "j-a", Usage.ZERO, 0, List.of(result("j-a", 30), result("j-b", 50)),
                List.of(new TaskStart("j-c", 1, 70), new TaskStart("j-a", 2, 10)));
        assertEquals(new Route(List.of("j-a", "j-b", "j-c"), 70), Route.of(b));
        assertEquals(Optional.of(Route.of(b)), Route.read(Json.routed(b)));
    }

    @Test
    void aBatchOfUsageAloneRoutesToItsUsageJob() {
        assertEquals(new Route(List.of("j-a"), 0), Route.of(new ResultBatch("w1", "j-a", Usage.ZERO, 3, List.of())));
    }

    @Test
    void resultBatchReadsBodiesWithAndWithoutTheHeader() {
        ResultBatch b = new ResultBatch("w1", "j-a", Usage.ZERO, 0, List.of(result("j-a", 30)));
        assertEquals(b.results(), Json.resultBatch(Json.routed(b)).results());
        assertEquals(b.results(), Json.resultBatch(Json.write(b)).results(), "a body written before routes");
        assertEquals(Optional.empty(), Route.read(Json.write(b)));
    }

    @Test
    void aJobIdTheHeaderCouldNotCarryMeansNoHeaderSoTheBodyIsDecoded() {
        assertEquals("", new Route(List.of("j a"), 1).header());
        assertEquals("", new Route(List.of("j\n"), 1).header());
        ResultBatch b = new ResultBatch("w1", "j a", Usage.ZERO, 0, List.of(result("j a", 30)));
        assertEquals(Optional.empty(), Route.read(Json.routed(b)));
        assertEquals(b.results(), Json.resultBatch(Json.routed(b)).results());
    }
}
