package dev.drover.scheduler.job;

import dev.drover.core.codec.Json;
import dev.drover.core.model.TaskResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.Set;

/**
 * A job's results as JSON lines in a file: appended whole lines at a time, read by any number of
 * followers up to the last complete line. Keeps memory flat however many results a job has.
 */
public final class ResultLog implements AutoCloseable {
    /** Bytes written at a time. */
    private static final int BLOCK = 64 * 1024;
    private static final byte[] NEWLINE = {'\n'};

    private final Path file;
    /** Runs before every read: fills a lazy log (an ended job's results, recovered only when asked for). */
    private final Runnable beforeRead;
    private FileChannel out;
    private boolean closed;
    private volatile long committed;

    public ResultLog(Path file) {
        this.file = file;
        this.beforeRead = () -> { };
        this.out = open(file);
    }

    /**
     * A log whose file is made only when it is first written or read, and that {@code load} fills
     * before its first read: so 10,000 recovered ended jobs cost no open file and no disk.
     */
    public ResultLog(Path file, Runnable load) {
        this.file = file;
        this.beforeRead = load;
    }

    private static FileChannel open(Path file) {
        try {
            FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING), JobData.privateFile());
            Files.setPosixFilePermissions(file, JobData.FILE); // one an earlier version made 0644
            return channel;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private synchronized FileChannel out() {
        if (out == null) {
            if (closed) {
                throw new IllegalStateException("the result log " + file + " is closed");
            }
            try {
                JobData.directory(file.getParent());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            out = open(file);
        }
        return out;
    }

    /** Empties the log (a lazy log whose loading failed half way, to be loaded again). */
    synchronized void clear() {
        try {
            out().truncate(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        committed = 0;
    }

    /** The result of task {@code seq}, read from the log (a scan: for one-off lookups, not for every task). */
    public Optional<TaskResult> find(long seq) {
        beforeRead.run();
        out();
        String marker = "\"seq\":" + seq + ",";
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.contains(marker)) {
                    TaskResult r = Json.result(line);
                    if (r.seq() == seq) {
                        return Optional.of(r);
                    }
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Appends the lines, each ended by a newline, encoded a block at a time: joined into one text first, a result
     * message's lines made three copies of up to a megabyte (builder, string, bytes), which G1 allocates as
     * humongous objects. Followers see them once all are written.
     */
    public synchronized void append(List<String> jsonLines) {
        if (jsonLines.isEmpty()) {
            return;
        }
        FileChannel out = out();
        ByteBuffer block = ByteBuffer.allocate(Math.min(BLOCK, Json.joinedLength(jsonLines)));
        long written = 0;
        for (String line : jsonLines) {
            byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
            if (bytes.length + 1 > block.remaining()) {
                written += write(out, block.flip());
                block.clear();
            }
            if (bytes.length + 1 > block.capacity()) { // a line longer than a block goes on its own
                written += write(out, ByteBuffer.wrap(bytes)) + write(out, ByteBuffer.wrap(NEWLINE));
            } else {
                block.put(bytes).put((byte) '\n');
            }
        }
        written += write(out, block.flip());
        committed += written;
        notifyAll();
    }

    private static int write(FileChannel out, ByteBuffer bytes) {
        int n = bytes.remaining();
        try {
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return n;
    }

    /**
     * Copies every line to {@code sink}, following the log as it grows until {@code done} says the
     * job is over and everything is copied.
     */
    public void copyTo(OutputStream sink, BooleanSupplier done) throws IOException {
        beforeRead.run();
        out();
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            long pos = 0;
            while (true) {
                boolean finished = done.getAsBoolean();
                long end = committed;
                while (pos < end) {
                    buf.clear().limit((int) Math.min(buf.capacity(), end - pos));
                    int n = in.read(buf, pos);
                    sink.write(buf.array(), 0, n);
                    pos += n;
                }
                sink.flush();
                if (finished && pos == committed) {
                    return;
                }
                awaitGrowth(pos);
            }
        }
    }

    private synchronized void awaitGrowth(long pos) {
        if (committed == pos) {
            try {
                wait(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (out == null) {
            return;
        }
        try {
            out.close();
        } catch (IOException ignored) {
            // the log is only a cache of results also held by the job store or already streamed
        }
    }
}
