package dev.drover.scheduler.rerun;

import dev.drover.core.codec.Json;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import dev.drover.core.workload.Stage;
import dev.drover.core.workload.TaskSpec;
import dev.drover.core.workload.WorkloadException;
import dev.drover.scheduler.model.JobView;
import dev.drover.scheduler.model.Quotas;
import dev.drover.scheduler.Engine;
import dev.drover.scheduler.job.JobState;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.ArrayList;
import java.util.HashMap;

/**
 * Reruns some of a job's tasks as a new job: its failed ones, or one failure group (exit code and
 * first line of stderr, as the dashboard groups them). The new job gets the same command lines,
 * directives ({@code @timeout}, {@code @retries}, {@code @env}, replica number) and files pack;
 * it is written as a workload file and submitted like any other, so quotas and validation apply.
 * Rerunning the failed tasks takes with them the tasks a failed dependency cancelled (reason
 * {@code dependency}), and those wait in the new job on the reruns of the tasks they waited on: a
 * named line's rerun keeps its name ({@code NAME-rK} for replica K of a line of several replicas).
 */
public final class Rerun {
    /** Which tasks to rerun: every failed one (FAILED or TIMED_OUT), or one failure group by its id. */
    public record Selection(boolean failed, String group) {
        public Selection {
            if (failed == (group != null)) {
                throw new IllegalArgumentException("name either a failure group or failed, not both");
            }
        }
    }

    /** Nothing matches the selection: no failed task, or no group of that id. */
    public static final class NothingToRerun extends Exception {
        public final boolean noSuchGroup;

        NothingToRerun(String message, boolean noSuchGroup) {
            super(message, null, false, false);
            this.noSuchGroup = noSuchGroup;
        }
    }

    /** Names longer than this are refused at submission. */
    static final int MAX_NAME = 256;
    /** JobState names the group of causes past its limit so; it holds every failure no named group holds. */
    private static final String OVERFLOW_PREFIX = "(other causes: ";

    private final Engine scheduler;

    public Rerun(Engine scheduler) {
        this.scheduler = scheduler;
    }

    /** A failure group's stable id: a short hash of its status, exit code and first line of stderr. */
    public static String groupId(TaskStatus status, Integer exitCode, String firstLine) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(
                    (status + "|" + exitCode + "|" + firstLine).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JRE has SHA-256", e);
        }
    }

    public static String groupId(JobState.FailureGroup g) {
        return groupId(g.status(), g.exitCode(), g.firstLine());
    }

    /** The first line of a failed task's stderr (or error), cut as {@link JobState} cuts it when it groups failures. */
    static String firstLine(TaskResult r) {
        String text = r.stderr() != null && !r.stderr().isBlank() ? r.stderr() : r.error() != null ? r.error() : "";
        String first = text.strip().lines().findFirst().orElse("");
        return first.length() > 200 ? first.substring(0, 200) + "…" : first;
    }

    private static boolean failed(TaskStatus s) {
        return s == TaskStatus.FAILED || s == TaskStatus.TIMED_OUT;
    }

    /**
     * Submits the selected tasks of {@code jobId} as a new job owned by {@code owner}; empty if there
     * is no such job. The caller has checked that {@code owner} may see the job.
     */
    public Optional<JobView> rerun(String jobId, Selection selection, String owner)
            throws IOException, WorkloadException, Quotas.Exceeded, NothingToRerun {
        Optional<JobState> found = scheduler.job(jobId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        JobState job = found.get();
        BitSet chosen = selection.failed() ? failedTasks(job) : groupTasks(job, selection.group());
        if (chosen.isEmpty()) {
            throw new NothingToRerun("job " + jobId + " has no failed task to rerun", false);
        }
        Path workload = Files.createTempFile("drover-rerun-", ".txt");
        try {
            write(job, chosen, workload);
            String name = "rerun of " + job.name();
            name = name.length() > MAX_NAME ? name.substring(0, MAX_NAME) : name;
            try (InputStream in = Files.newInputStream(workload)) {
                return Optional.of(scheduler.submit(in, name, owner, job.files()));
            }
        } finally {
            Files.deleteIfExists(workload);
        }
    }

    private static BitSet failedTasks(JobState job) throws IOException {
        BitSet chosen = new BitSet();
        boolean cancelled = false;
        for (long seq = 0; seq < job.total(); seq++) {
            TaskStatus s = job.status(seq);
            if (failed(s)) {
                chosen.set((int) seq);
            }
            cancelled |= s == TaskStatus.CANCELLED;
        }
        if (cancelled) { // the dependents the failures blocked: their results say so
            job.log().copyTo(new Lines(line -> {
                TaskResult r = Json.result(line);
                if (r.status() == TaskStatus.CANCELLED && r.error() != null && r.error().startsWith("dependency")) {
                    chosen.set((int) r.seq());
                }
            }), () -> true);
        }
        return chosen;
    }

    /** The tasks of one failure group, read from the job's result log (the groups keep only samples). */
    private static BitSet groupTasks(JobState job, String group) throws IOException, NothingToRerun {
        List<JobState.FailureGroup> groups = job.failureGroups();
        JobState.FailureGroup wanted = groups.stream().filter(g -> groupId(g).equals(group)).findFirst()
                .orElseThrow(() -> new NothingToRerun("job " + job.jobId() + " has no failure group " + group, true));
        boolean overflow = wanted.exitCode() == null && wanted.firstLine().startsWith(OVERFLOW_PREFIX);
        Set<String> named = new HashSet<>();
        groups.stream().filter(g -> g != wanted).forEach(g -> named.add(groupId(g)));
        BitSet chosen = new BitSet();
        job.log().copyTo(new Lines(line -> {
            TaskResult r = Json.result(line);
            if (failed(r.status())) {
                String id = groupId(r.status(), r.exitCode(), firstLine(r));
                if (overflow ? !named.contains(id) : id.equals(group)) {
                    chosen.set((int) r.seq());
                }
            }
        }), () -> true);
        return chosen;
    }

    /** Writes the chosen tasks as a workload, each directive written only where its value changes. */
    private static void write(JobState job, BitSet chosen, Path file) throws IOException, WorkloadException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            Directives written = new Directives(out);
            job.tasks().forEach(chosen.stream().asLongStream().iterator(), (seq, t) -> written.task(t, job.dependencies().stageOf(seq)));
        }
    }

    /** The directive values a written workload stands at, starting from a file's defaults. */
    private static final class Directives {
        private final BufferedWriter out;
        private long timeout;
        private int attempts = 1;
        private int replica;
        private Map<String, String> env = Map.of();
        private List<String> after = List.of();
        private boolean anyway;
        /** Per stage of the job, the names its rerun lines got; and by stage and replica, for replica-wise waits. */
        private final Map<Integer, List<String>> names = new HashMap<>();
        private final Map<String, String> byReplica = new HashMap<>();

        Directives(BufferedWriter out) {
            this.out = out;
        }

        void task(TaskSpec t, Stage stage) throws IOException {
            List<String> waits = new ArrayList<>();
            if (stage != null) {
                stage.after().forEach(u -> waits.addAll(names.getOrDefault(u, List.of())));
                String paired = stage.afterReplica() < 0 ? null : byReplica.get(stage.afterReplica() + "/" + t.replica());
                if (paired != null) {
                    waits.add(paired);
                }
            }
            boolean any = stage != null && stage.anyway();
            if (!waits.equals(after) || (!waits.isEmpty() && any != anyway)) {
                out.write(waits.isEmpty() ? "@after none\n" : (any ? "@after-any " : "@after ") + String.join(",", waits) + "\n");
                after = waits;
                anyway = any;
            }
            if (stage != null && stage.name() != null) {
                String name = stage.replicas() == 1 ? stage.name() : stage.name() + "-r" + t.replica();
                out.write("@name " + name + "\n");
                names.computeIfAbsent(stage.index(), k -> new ArrayList<>()).add(name);
                byReplica.put(stage.index() + "/" + t.replica(), name);
            }
            if (t.timeoutMs() != timeout) {
                out.write(t.timeoutMs() == 0 ? "@timeout none\n" : "@timeout " + t.timeoutMs() + "ms\n");
                timeout = t.timeoutMs();
            }
            if (t.maxAttempts() != attempts) {
                out.write("@retries " + (t.maxAttempts() - 1) + "\n");
                attempts = t.maxAttempts();
            }
            if (t.replica() != replica) {
                out.write("@replica " + t.replica() + "\n");
                replica = t.replica();
            }
            if (!t.env().equals(env)) {
                writeEnv(out, env, t.env());
                env = t.env();
            }
            out.write(t.command());
            out.write('\n');
        }
    }

    /**
     * {@code @env} lines that turn one task's variables into the next's. {@code NAME=} removes a
     * variable, or unsets a base one (a null value); tasks come in the original order, so a base
     * variable never has to go back from set to inherited.
     */
    private static void writeEnv(BufferedWriter out, Map<String, String> from, Map<String, String> to) throws IOException {
        for (String name : from.keySet()) {
            if (!to.containsKey(name)) {
                out.write("@env " + name + "=\n");
            }
        }
        for (Map.Entry<String, String> e : to.entrySet()) {
            if (!from.containsKey(e.getKey()) || !Objects.equals(from.get(e.getKey()), e.getValue())) {
                out.write("@env " + e.getKey() + "=" + (e.getValue() == null ? "" : e.getValue()) + "\n");
            }
        }
    }

    /** An output stream that hands on each complete line (the result log writes whole lines). */
    private static final class Lines extends OutputStream {
        private final Consumer<String> line;
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream(512);

        Lines(Consumer<String> line) {
            this.line = line;
        }

        @Override
        public void write(int b) {
            if (b == '\n') {
                line.accept(buf.toString(StandardCharsets.UTF_8));
                buf.reset();
            } else {
                buf.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            int start = off;
            for (int i = off; i < off + len; i++) {
                if (b[i] == '\n') {
                    buf.write(b, start, i - start);
                    line.accept(buf.toString(StandardCharsets.UTF_8));
                    buf.reset();
                    start = i + 1;
                }
            }
            buf.write(b, start, off + len - start);
        }
    }
}
