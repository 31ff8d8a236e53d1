package dev.drover.core.codec;

import dev.drover.core.model.ResultBatch;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStart;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where a result message goes, as a plain first line of its body ({@code route:NEWEST JOB JOB…}) that
 * the queue's decorators keep readable while they compress or offload the rest: a scheduler replica
 * reads it to leave another replica's message without inflating, parsing or proving it.
 *
 * @param jobs   the jobs whose results or starts the message holds (its usage job, if it holds neither)
 * @param newest the newest of its results' {@code finishedAt} and starts' {@code startedAt}; 0 if none
 */
public record Route(List<String> jobs, long newest) {
    static final String PREFIX = "route:";

    public Route {
        jobs = List.copyOf(jobs);
    }

    /** The route of a batch. */
    public static Route of(ResultBatch b) {
        Set<String> jobs = new LinkedHashSet<>();
        long newest = 0;
        for (TaskResult r : b.results()) {
            add(jobs, r.jobId());
            newest = Math.max(newest, r.finishedAt());
        }
        for (TaskStart s : b.started()) {
            add(jobs, s.jobId());
            newest = Math.max(newest, s.startedAt());
        }
        if (jobs.isEmpty() && b.usageJob() != null) {
            jobs.add(b.usageJob());
        }
        return new Route(new ArrayList<>(jobs), newest);
    }

    /** A batch read from a message is untrusted: a result without a job id names no route (its proof fails later). */
    private static void add(Set<String> jobs, String job) {
        if (job != null) {
            jobs.add(job);
        }
    }

    /** The header line, newline included; empty if a job id could not be read back from it (none of Drover's). */
    public String header() {
        StringBuilder sb = new StringBuilder(PREFIX.length() + 20 + jobs.size() * 24).append(PREFIX).append(newest);
        for (String job : jobs) {
            if (job == null || job.isEmpty() || !job.chars().allMatch(c -> c > ' ' && c < 0x7f)) {
                return "";
            }
            sb.append(' ').append(job);
        }
        return sb.append('\n').toString();
    }

    /** Where the header of a body ends: 0 if it has none (a body from before routes, or not a result batch). */
    public static int end(String body) {
        if (!body.startsWith(PREFIX)) {
            return 0;
        }
        return body.indexOf('\n', PREFIX.length()) + 1;
    }

    /** The route a body's header names; empty if it has none or it does not parse (the body is then decoded). */
    public static Optional<Route> read(String body) {
        int end = end(body);
        if (end == 0) {
            return Optional.empty();
        }
        String[] parts = body.substring(PREFIX.length(), end - 1).split(" ");
        try {
            List<String> jobs = new ArrayList<>(parts.length - 1);
            for (int i = 1; i < parts.length; i++) {
                jobs.add(parts[i]);
            }
            return Optional.of(new Route(jobs, Long.parseLong(parts[0])));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
