package dev.drover.cli;

import dev.drover.scheduler.model.JobView;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import dev.drover.core.files.FilesPack;
import java.util.function.Consumer;

/** Validates a workload, submits it over HTTP and, if asked, follows it to its end. */
final class Submission {
    static final int OK = 0;
    static final int TASKS_NOT_OK = 1;
    static final int BAD_INPUT = 2;

    private Submission() {}

    /**
     * Checks every line before anything is queued; prints the error and returns null if bad. The
     * tally it returns is what {@link #run} counts the job's lines with, so the workload is read once.
     */
    static LineTally validate(Path workload, PrintWriter err) {
        return LineTally.check(workload, err);
    }

    /**
     * Submits the job of a workload {@link #validate} passed, with its files pack (uploaded first
     * unless the scheduler's store has it already), at this priority among the user's jobs (higher first).
     */
    static int run(SchedulerClient client, Path workload, LineTally tally, Optional<FilesPack.Pack> files, int priority,
                   boolean wait, OutputOptions output, PrintWriter out, PrintWriter err, Clock clock,
                   Consumer<Map<String, Object>> enrich)
            throws IOException, InterruptedException {
        long submittedAt = clock.millis();
        JobView job;
        boolean uploaded = false;
        try {
            if (files.isPresent()) {
                FilesPack.Pack pack = files.get();
                uploaded = !client.hasFiles(pack.sha256()) && client.putFiles(pack.sha256(), pack.file());
                err.printf("files %s: %s%n", pack.sha256(), uploaded ? "uploaded" : "already in the store, not uploaded again");
                err.flush();
            }
            job = client.submit(workload, workload.toString(), files.map(FilesPack.Pack::sha256).orElse(null), priority);
        } catch (SchedulerClient.ApiException e) {
            err.println("drover: " + e.getMessage());
            err.flush();
            return e.status == 400 ? BAD_INPUT : TASKS_NOT_OK;
        }
        String jobId = job.jobId();
        String filesSha = files.map(FilesPack.Pack::sha256).orElse(null);
        boolean filesUploaded = uploaded;
        Consumer<Map<String, Object>> withFiles = summary -> {
            if (filesSha != null) {
                summary.put("files", filesSha);
                summary.put("filesUploaded", filesUploaded);
            }
            enrich.accept(summary);
        };
        if (!wait) {
            out.println(jobId);
            out.flush();
            return OK;
        }
        err.printf("job %s: %d tasks submitted%n", jobId, job.total());
        err.flush();
        Map<String, Object> summary = new JobFollower(client, out, err, clock)
                .follow(job, submittedAt, output.resultsFile(), output.quiet, tally::add);
        tally.summarize(summary);
        if (output.download != null) {
            Downloader.Totals t = new Downloader(client, output.download).download(jobId, err);
            summary.put("outputFiles", t.files());
            summary.put("outputsDownloaded", t.downloaded());
            summary.put("outputsSkipped", t.skipped());
            summary.put("outputBytesDownloaded", t.bytes());
            summary.put("outputsFailed", t.failures().size());
        }
        withFiles.accept(summary);
        JobFollower.printSummary(out, summary);
        LineTally.print(out, summary);
        out.flush();
        if (output.json != null) {
            JobFollower.writeJson(output.json, summary);
        }
        int code = JobFollower.exitCode(summary);
        return code == OK && summary.containsKey("outputsFailed") && (Integer) summary.get("outputsFailed") > 0 ? TASKS_NOT_OK : code;
    }
}
