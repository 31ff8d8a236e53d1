package dev.drover.core.workload;

import dev.drover.core.model.Commands;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Streams a workload file, one task a line, holding one line in memory at a time.
 *
 * <p>Format: blank lines and lines starting with {@code #} are skipped; CRLF is accepted;
 * {@code sleep N} sleeps N milliseconds without a process; directives {@code @timeout D}
 * and {@code @retries N} apply to the lines after them; any other line is a shell command.
 * {@code @env NAME=VALUE} sets a variable for the tasks after it ({@code @env NAME=} unsets it);
 * {@code @replicas N} makes each task line after it N tasks, replicas 0 … N-1 ({@code @replicas 1} ends it).
 * {@code @replica K} makes each task line after it one task numbered replica K (a rerun keeps a replica's number).
 * {@code @name NAME} names the next task line; {@code @after NAME[,NAME…]} makes the task lines after it wait
 * until every task of those lines has succeeded ({@code @after-any}: has ended, whatever its status;
 * {@code @after none} ends it), and {@code @after-replica NAME} makes replica i of each line after it wait
 * for replica i of NAME ({@code @after-replica none} ends it). A line may wait only on lines above it.
 */
public final class WorkloadReader implements Closeable {
    /** Longest line accepted, in bytes. Larger tasks belong in a script file. */
    public static final int MAX_LINE_BYTES = 64 * 1024;
    /** Most replicas of one line. */
    public static final int MAX_REPLICAS = 10_000;
    /** Most variables the {@code @env} directives may set at once, and their total size in chars. */
    public static final int MAX_ENV_VARS = 100;
    public static final int MAX_ENV_CHARS = 16 * 1024;
    /** The base variables a task gets from its worker (see the executor), which {@code @env NAME=} can unset. */
    public static final Set<String> BASE_ENV = Set.of("PATH", "HOME", "LANG", "TMPDIR", "USER");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final WorkloadLines lines;
    private long timeoutMs;
    private int maxAttempts = 1;
    private int replicas = 1;
    /** The replica number of single tasks ({@code @replica K}); 0 unless set. */
    private int replica;
    private Map<String, String> env = Map.of();
    private Waits waits = Waits.NONE;
    /** Checks names and groups lines into stages; only in a reader that starts at the top of the file. */
    private final StageBuilder stages;
    /** Tasks returned so far (counted only with {@link #stages}). */
    private long seq;
    /** The line being expanded into replicas, and the next replica to hand out. */
    private TaskSpec replicating;
    private int nextReplica;

    /**
     * Where a reader stands between two tasks: the byte offset of its next line and the directive
     * state there, so a reader can start at a task without reading the lines before it.
     */
    public record Checkpoint(long offset, int lineNo, long timeoutMs, int maxAttempts, int replicas, int replica,
                             Map<String, String> env, Waits waits, TaskSpec replicating, int nextReplica, boolean eof) {
        /** The start of a file. */
        public static final Checkpoint START = new Checkpoint(0, 0, 0, 1, 1, 0, Map.of(), Waits.NONE, null, 0, false);
    }

    public WorkloadReader(InputStream in, String source) {
        this(in, source, true);
    }

    private WorkloadReader(InputStream in, String source, boolean fromTop) {
        this.lines = new WorkloadLines(in, source); // it reads in blocks of its own
        this.stages = fromTop ? new StageBuilder() : null;
    }

    public static WorkloadReader open(Path file) throws WorkloadException {
        try {
            return new WorkloadReader(Files.newInputStream(file), file.toString());
        } catch (NoSuchFileException e) {
            throw new WorkloadException(file.toString(), 0, "no such file");
        } catch (IOException e) {
            throw new WorkloadException(file.toString(), 0, "cannot read: " + e.getMessage());
        }
    }

    /** A reader of the file that goes on from a checkpoint an earlier reader of the same file took. */
    public static WorkloadReader open(Path file, Checkpoint at) throws WorkloadException {
        try {
            SeekableByteChannel channel = Files.newByteChannel(file);
            try {
                channel.position(at.offset());
            } catch (IOException e) {
                channel.close();
                throw e;
            }
            // the file was checked whole from its top: names used here were known there
            WorkloadReader reader = new WorkloadReader(Channels.newInputStream(channel), file.toString(), at.offset() == 0);
            reader.restore(at);
            return reader;
        } catch (NoSuchFileException e) {
            throw new WorkloadException(file.toString(), 0, "no such file");
        } catch (IOException e) {
            throw new WorkloadException(file.toString(), 0, "cannot read: " + e.getMessage());
        }
    }

    /** Where this reader stands now: {@link #next()} returns the same task as a reader opened here would. */
    public Checkpoint checkpoint() {
        return new Checkpoint(lines.offset(), lines.lineNo(), timeoutMs, maxAttempts, replicas, replica, env, waits, replicating,
                nextReplica, lines.eof());
    }

    private void restore(Checkpoint at) {
        lines.restore(at.offset(), at.lineNo(), at.eof());
        timeoutMs = at.timeoutMs();
        maxAttempts = at.maxAttempts();
        replicas = at.replicas();
        replica = at.replica();
        env = at.env();
        waits = at.waits();
        replicating = at.replicating();
        nextReplica = at.nextReplica();
    }

    /**
     * Reads the whole file, checking every line, and returns how many tasks it holds.
     * A workload is rejected whole: this runs before any task is queued.
     */
    public static long validate(Path file) throws WorkloadException {
        try (WorkloadReader reader = open(file)) {
            return reader.forEach(spec -> { });
        }
    }

    /** Feeds every task to the consumer; returns the count. Fails on a file with no tasks. */
    public long forEach(Consumer<TaskSpec> consumer) throws WorkloadException {
        long count = 0;
        for (TaskSpec spec = next(); spec != null; spec = next()) {
            consumer.accept(spec);
            count++;
        }
        if (count == 0) {
            throw new WorkloadException(lines.source(), 0, "the workload has no tasks");
        }
        return count;
    }

    /** The next task, or null at the end of the file. */
    public TaskSpec next() throws WorkloadException {
        if (replicating != null) {
            TaskSpec r = replicating;
            int replica = nextReplica++;
            if (nextReplica == replicas) {
                replicating = null;
            }
            seq++;
            return new TaskSpec(r.line(), r.command(), r.timeoutMs(), r.maxAttempts(), replica, r.env());
        }
        String text;
        while ((text = lines.next()) != null) {
            String line = text.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("@")) {
                directive(line);
                continue;
            }
            if (line.equals("sleep") || line.startsWith("sleep ")) {
                if (Commands.sleepMillis(line) < 0) {
                    throw error(line.startsWith("sleep -")
                            ? "negative sleep: 'sleep N' needs N >= 0 milliseconds"
                            : "malformed sleep: expected 'sleep N' with N a whole number of milliseconds (use /bin/sleep for the shell's)");
                }
                line = "sleep " + Commands.sleepMillis(line);
            }
            TaskSpec spec = new TaskSpec(lines.lineNo(), line, timeoutMs, maxAttempts, replica, env);
            if (stages != null) {
                String refused = waits.afterReplica() != null && replica != 0
                        ? "@after-replica " + waits.afterReplica() + " pairs replicas of @replicas N lines; not a @replica " + replica + " line"
                        : stages.line(lines.lineNo(), seq, replicas, waits);
                if (refused != null) {
                    throw error(refused);
                }
                seq++;
            }
            waits = waits.named(null);
            if (replicas > 1) {
                replicating = spec;
                nextReplica = 1;
            }
            return spec;
        }
        if (stages != null) {
            WorkloadException refused = stages.finish(lines.source(), waits, lines.lineNo());
            if (refused != null) {
                throw refused;
            }
        }
        return null;
    }

    private void directive(String line) throws WorkloadException {
        String[] parts = line.split("\\s+", 2);
        String arg = parts.length > 1 ? parts[1].trim() : "";
        switch (parts[0]) {
            case "@timeout" -> {
                try {
                    timeoutMs = arg.equals("none") ? 0 : Durations.parse(arg).toMillis();
                } catch (IllegalArgumentException e) {
                    throw error("bad @timeout: " + e.getMessage());
                }
            }
            case "@retries" -> {
                if (!arg.matches("\\d{1,2}")) {
                    throw error("bad @retries: expected a whole number from 0 to 99");
                }
                maxAttempts = 1 + Integer.parseInt(arg);
            }
            case "@replicas" -> {
                if (!arg.matches("\\d{1,9}") || Integer.parseInt(arg) < 1 || Integer.parseInt(arg) > MAX_REPLICAS) {
                    throw error("bad @replicas: expected a whole number from 1 to " + MAX_REPLICAS);
                }
                replicas = Integer.parseInt(arg);
                replica = 0;
            }
            case "@replica" -> {
                if (!arg.matches("\\d{1,9}") || Integer.parseInt(arg) >= MAX_REPLICAS) {
                    throw error("bad @replica: expected a whole number from 0 to " + (MAX_REPLICAS - 1));
                }
                replica = Integer.parseInt(arg);
                replicas = 1;
            }
            case "@env" -> env(arg);
            case "@name" -> {
                String refused = stages == null ? null : stages.checkName(arg, waits.pendingName());
                if (refused != null) {
                    throw error(refused);
                }
                waits = waits.named(arg);
            }
            case "@after", "@after-any" -> waits = waits.after(names(parts[0], arg), parts[0].equals("@after-any"));
            case "@after-replica" -> {
                List<String> names = names(parts[0], arg);
                if (names.size() > 1) {
                    throw error("bad @after-replica: it names one line (or none)");
                }
                waits = waits.afterReplica(names.isEmpty() ? null : names.get(0));
            }
            default -> throw error("unknown directive '" + parts[0] + "' (known: @timeout D, @retries N, @replicas N,"
                    + " @replica K, @env NAME=VALUE, @name NAME, @after NAME[,NAME…], @after-any NAME[,NAME…], @after-replica NAME)");
        }
    }

    /** The names of a wait directive ({@code none}: no names), checked. */
    private List<String> names(String directive, String arg) throws WorkloadException {
        if (arg.equals("none")) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        for (String name : arg.split(",", -1)) {
            name = name.strip();
            if (!StageBuilder.NAME.matcher(name).matches()) {
                throw error("bad " + directive + ": '" + name + "' is not a name (letters, digits, '-' and '_'), "
                        + "expected " + directive + " NAME[,NAME…] or " + directive + " none");
            }
            if (!names.contains(name)) {
                names.add(name);
            }
        }
        if (stages != null) {
            String refused = stages.uses(names, directive, lines.lineNo(), waits.pendingName());
            if (refused != null) {
                throw error(refused);
            }
        }
        return names;
    }

    /** The workload's stages (see {@link Stage}), once this reader, started at the top, has read it to the end. */
    public List<Stage> stages() {
        if (stages == null || !lines.eof()) {
            throw new IllegalStateException("stages are known only to a reader that read the whole file from its top");
        }
        return stages.stages();
    }

    private void env(String arg) throws WorkloadException {
        int eq = arg.indexOf('=');
        if (eq < 0) {
            throw error("bad @env: expected NAME=VALUE (or NAME= to unset)");
        }
        String name = arg.substring(0, eq);
        String value = arg.substring(eq + 1);
        if (!ENV_NAME.matcher(name).matches()) {
            throw error("bad @env: '" + name + "' is not a variable name (letters, digits and _, not starting with a digit)");
        }
        if (name.startsWith("DROVER_")) {
            throw error("bad @env: " + name + ": DROVER_* variables are set by Drover and describe the task");
        }
        if (value.indexOf('\0') >= 0) {
            throw error("bad @env: a value cannot hold a NUL character");
        }
        Map<String, String> next = new LinkedHashMap<>(env);
        if (value.isEmpty()) {
            next.remove(name);
            if (BASE_ENV.contains(name)) {
                next.put(name, null); // unsets the base variable
            }
        } else {
            next.put(name, value);
        }
        int chars = next.entrySet().stream()
                .mapToInt(e -> e.getKey().length() + (e.getValue() == null ? 0 : e.getValue().length())).sum();
        if (next.size() > MAX_ENV_VARS || chars > MAX_ENV_CHARS) {
            throw error("bad @env: at most " + MAX_ENV_VARS + " variables of " + MAX_ENV_CHARS + " characters in all");
        }
        env = Collections.unmodifiableMap(next);
    }

    private WorkloadException error(String reason) {
        return lines.error(reason);
    }

    @Override
    public void close() {
        lines.close();
    }
}
