package dev.drover.scheduler.job;

import dev.drover.core.workload.Stage;
import dev.drover.core.workload.TaskSpec;
import dev.drover.core.workload.WorkloadException;
import dev.drover.core.workload.WorkloadReader;
import dev.drover.core.workload.WorkloadReader.Checkpoint;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.PrimitiveIterator;

/**
 * A job's saved workload file, served by task number. An index keeps a {@link Checkpoint} (byte
 * offset and directive state) every {@link #STRIDE} tasks, so reaching task N reads fewer than
 * {@code STRIDE} task lines, not N. The index is built by the read that validates the workload at
 * intake, or, for a job recovered after a restart, by one read the first time a task is asked for.
 */
public final class JobWorkload {
    /** Tasks between two checkpoints: a checkpoint costs about a hundred bytes, a skipped task one line's read. */
    public static final int STRIDE = 1024;

    /** What a walk over chosen tasks does with each; it may throw what its caller handles. */
    @FunctionalInterface
    public interface Visitor<E extends Exception> {
        void visit(long seq, TaskSpec spec) throws E;
    }

    private final Path file;
    private final int stride;
    /** Null until built. */
    private volatile Index index;

    /** Checkpoint k stands before task k * stride. */
    private record Index(List<Checkpoint> checkpoints, long total, List<Stage> stages) {}

    /** A workload whose index is built when first needed. */
    public JobWorkload(Path file) {
        this(file, STRIDE);
    }

    JobWorkload(Path file, int stride) {
        this.file = file;
        this.stride = stride;
    }

    /**
     * Reads the whole file once, checking every line, and builds its index: a workload with a bad
     * line, or none, fails with {@code source:line: reason}. Returns the workload; its size is {@link #total()}.
     */
    public static JobWorkload validate(Path file, String source) throws WorkloadException {
        JobWorkload workload = new JobWorkload(file);
        workload.index = build(file, source, STRIDE);
        return workload;
    }

    public Path file() {
        return file;
    }

    /** How many tasks the workload holds. */
    public long total() throws WorkloadException {
        return index().total();
    }

    /** The workload's stages: its named lines and the runs of lines that wait (see {@link Stage}). */
    public List<Stage> stages() throws WorkloadException {
        return index().stages();
    }

    /** A reader whose {@link WorkloadReader#next()} returns task {@code seq} (null if there is none); the caller closes it. */
    public WorkloadReader from(long seq) throws WorkloadException {
        List<Checkpoint> ix = index().checkpoints();
        int k = (int) Math.min(seq / stride, ix.size() - 1);
        WorkloadReader reader = WorkloadReader.open(file, ix.get(k));
        try {
            for (long at = (long) k * stride; at < seq && reader.next() != null; at++) {
                // skips to the task asked for
            }
        } catch (WorkloadException | RuntimeException e) {
            reader.close();
            throw e;
        }
        return reader;
    }

    /**
     * Visits the tasks numbered by {@code seqs}, which must ascend; each gap of a stride or more is
     * crossed by the index, not by reading. Numbers past the end are not visited.
     */
    public <E extends Exception> void forEach(PrimitiveIterator.OfLong seqs, Visitor<E> visitor) throws WorkloadException, E {
        WorkloadReader reader = null;
        long at = -1; // the task reader.next() returns
        try {
            while (seqs.hasNext()) {
                long seq = seqs.nextLong();
                if (reader == null || seq < at || seq / stride > at / stride) {
                    if (reader != null) {
                        reader.close();
                    }
                    reader = from(seq);
                    at = seq;
                }
                TaskSpec spec = reader.next();
                for (; spec != null && at < seq; at++) {
                    spec = reader.next();
                }
                if (spec == null) {
                    return;
                }
                at++;
                visitor.visit(seq, spec);
            }
        } finally {
            if (reader != null) {
                reader.close();
            }
        }
    }

    private Index index() throws WorkloadException {
        Index ix = index;
        if (ix == null) {
            synchronized (this) {
                ix = index;
                if (ix == null) {
                    index = ix = build(file, file.toString(), stride);
                }
            }
        }
        return ix;
    }

    private static Index build(Path file, String source, int stride) throws WorkloadException {
        List<Checkpoint> ix = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file); WorkloadReader reader = new WorkloadReader(in, source)) {
            long seq = 0;
            ix.add(reader.checkpoint());
            while (reader.next() != null) {
                if (++seq % stride == 0) {
                    ix.add(reader.checkpoint());
                }
            }
            if (seq == 0) {
                throw new WorkloadException(source, 0, "the workload has no tasks");
            }
            return new Index(List.copyOf(ix), seq, reader.stages());
        } catch (NoSuchFileException e) {
            throw new WorkloadException(source, 0, "no such file");
        } catch (IOException e) {
            throw new WorkloadException(source, 0, "cannot read: " + e.getMessage());
        }
    }
}
