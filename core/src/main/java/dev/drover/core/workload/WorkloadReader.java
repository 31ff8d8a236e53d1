package dev.drover.core.workload;

import dev.drover.core.model.Commands;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Streams a workload file, one task a line, holding one line in memory at a time.
 *
 * <p>Format: blank lines and lines starting with {@code #} are skipped; CRLF is accepted;
 * {@code sleep N} sleeps N milliseconds without a process; directives {@code @timeout D}
 * and {@code @retries N} apply to the lines after them; any other line is a shell command.
 */
public final class WorkloadReader implements Closeable {
    /** Longest line accepted, in bytes. Larger tasks belong in a script file. */
    public static final int MAX_LINE_BYTES = 64 * 1024;

    private final InputStream in;
    private final String source;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteArrayOutputStream lineBytes = new ByteArrayOutputStream(256);
    private int lineNo;
    private long timeoutMs;
    private int maxAttempts = 1;
    private boolean eof;

    public WorkloadReader(InputStream in, String source) {
        this.in = in instanceof BufferedInputStream ? in : new BufferedInputStream(in, 64 * 1024);
        this.source = source;
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
            throw new WorkloadException(source, 0, "the workload has no tasks");
        }
        return count;
    }

    /** The next task, or null at the end of the file. */
    public TaskSpec next() throws WorkloadException {
        String text;
        while ((text = readLine()) != null) {
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
            return new TaskSpec(lineNo, line, timeoutMs, maxAttempts);
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
            default -> throw error("unknown directive '" + parts[0] + "' (known: @timeout D, @retries N)");
        }
    }

    /** Next raw line without its terminator, or null at end of input. */
    private String readLine() throws WorkloadException {
        if (eof) {
            return null;
        }
        lineBytes.reset();
        lineNo++;
        try {
            int b;
            while ((b = in.read()) != -1 && b != '\n') {
                if (lineBytes.size() >= MAX_LINE_BYTES) {
                    throw error("line longer than " + MAX_LINE_BYTES + " bytes");
                }
                lineBytes.write(b);
            }
            if (b == -1) {
                eof = true;
                if (lineBytes.size() == 0) {
                    return null;
                }
            }
        } catch (IOException e) {
            throw new WorkloadException(source, lineNo, "cannot read: " + e.getMessage());
        }
        byte[] bytes = lineBytes.toByteArray();
        int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        try {
            return utf8.decode(ByteBuffer.wrap(bytes, 0, len)).toString();
        } catch (CharacterCodingException e) {
            throw error("not valid UTF-8 text");
        }
    }

    private WorkloadException error(String reason) {
        return new WorkloadException(source, lineNo, reason);
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException ignored) {
            // nothing was written; a failed close of a read-only stream loses nothing
        }
    }
}
