package dev.drover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.core.workload.WorkloadException;
import dev.drover.core.workload.WorkloadReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.function.Consumer;

/** Validates a workload, submits it over HTTP and, if asked, follows it to its end. */
final class Submission {
    static final int OK = 0;
    static final int TASKS_NOT_OK = 1;
    static final int BAD_INPUT = 2;

    private Submission() {}

    /** Checks every line before anything is queued; prints the error and returns false if bad. */
    static boolean validate(Path workload, PrintWriter err) {
        try {
            WorkloadReader.validate(workload);
            return true;
        } catch (WorkloadException e) {
            err.println("drover: " + e.getMessage());
            err.flush();
            return false;
        }
    }

    static int run(SchedulerClient client, Path workload, boolean wait, OutputOptions output, PrintWriter out,
                   PrintWriter err, Clock clock, Consumer<Map<String, Object>> enrich)
            throws IOException, InterruptedException {
        if (!validate(workload, err)) {
            return BAD_INPUT;
        }
        long submittedAt = clock.millis();
        JsonNode job;
        try {
            job = client.submit(workload, workload.toString());
        } catch (SchedulerClient.ApiException e) {
            err.println("drover: " + e.getMessage());
            err.flush();
            return e.status == 400 ? BAD_INPUT : TASKS_NOT_OK;
        }
        String jobId = job.get("jobId").asText();
        if (!wait) {
            out.println(jobId);
            out.flush();
            return OK;
        }
        err.printf("job %s: %d tasks submitted%n", jobId, job.get("total").asLong());
        err.flush();
        Map<String, Object> summary = new JobFollower(client, out, err, clock)
                .follow(job, submittedAt, output.resultsFile(), output.quiet);
        enrich.accept(summary);
        JobFollower.printSummary(out, summary);
        if (output.json != null) {
            JobFollower.writeJson(output.json, summary);
        }
        return JobFollower.exitCode(summary);
    }
}
