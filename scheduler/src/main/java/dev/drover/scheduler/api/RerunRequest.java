package dev.drover.scheduler.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import dev.drover.core.codec.Json;
import dev.drover.core.port.User;
import dev.drover.core.workload.WorkloadException;
import dev.drover.scheduler.model.JobView;
import dev.drover.scheduler.model.Quotas;
import dev.drover.scheduler.rerun.Rerun;
import java.io.IOException;
import java.util.Map;

/** {@code POST /jobs/{id}/rerun}: reads {@code {"failed": true}} or {@code {"group": ID}} and submits those tasks anew. */
final class RerunRequest {
    /** The body is one small JSON object. */
    static final long MAX_BODY = 4096;

    private RerunRequest() {}

    /** The new job, owned by the caller (who may see the old one: the route checked). */
    static JobView run(Rerun rerun, HttpExchange ex, String jobId, User user) throws IOException, Refusal {
        Rerun.Selection selection = selection(ex);
        try {
            return rerun.rerun(jobId, selection, user.name()).orElseThrow(() -> new Refusal(404, "no such job"));
        } catch (Rerun.NothingToRerun e) {
            throw new Refusal(e.noSuchGroup ? 404 : 409, e.getMessage());
        } catch (Quotas.Exceeded e) {
            throw new Refusal(429, e.getMessage(), Map.of("Retry-After", "60"));
        } catch (WorkloadException e) {
            // the job's spooled workload is gone (e.g. a job recovered without it): nothing to copy lines from
            throw new Refusal(409, "the job's workload is no longer held here: " + e.reason());
        }
    }

    private static Rerun.Selection selection(HttpExchange ex) throws IOException, Refusal {
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(new BodyLimit(ex.getRequestBody(), MAX_BODY));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new Refusal(400, "the body must be JSON: {\"failed\": true} or {\"group\": \"ID\"}");
        }
        boolean failed = body != null && body.path("failed").asBoolean(false);
        JsonNode group = body == null ? null : body.get("group");
        if (group != null && !group.isTextual()) {
            throw new Refusal(400, "group: the id of a failure group, a string");
        }
        if (failed == (group != null)) {
            throw new Refusal(400, "name either {\"failed\": true} or {\"group\": \"ID\"}");
        }
        return new Rerun.Selection(failed, group == null ? null : group.asText());
    }
}
