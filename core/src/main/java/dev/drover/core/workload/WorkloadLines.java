package dev.drover.core.workload;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The lines of a workload file, one at a time: each checked to be at most {@link
 * WorkloadReader#MAX_LINE_BYTES} and valid UTF-8, without its LF or CRLF, counted (for errors that name
 * {@code file:line}) and placed (the byte offset where the next line begins, for a checkpoint).
 */
final class WorkloadLines {
    private static final int BUFFER = 64 * 1024;

    private final InputStream in;
    private final String source;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    /**
     * Read ahead from {@code in}, in blocks: a line is found and decoded where it lies, not copied byte by byte (a
     * synchronized read and write a byte was a third of the dispatcher's samples on {@code sleep 0} lines).
     */
    private final byte[] buffer = new byte[BUFFER];
    private int pos;
    private int limit;
    /** Where a line that runs past the end of the buffer is gathered. */
    private byte[] spanning = new byte[256];
    private int lineNo;
    private boolean eof;
    /** Bytes read from the start of the file: where the next line begins. */
    private long offset;

    WorkloadLines(InputStream in, String source) {
        this.in = in;
        this.source = source;
    }

    /** Goes on from a place an earlier reader of the same file stood at ({@code in} is positioned there). */
    void restore(long offset, int lineNo, boolean eof) {
        this.offset = offset;
        this.lineNo = lineNo;
        this.eof = eof;
    }

    String source() {
        return source;
    }

    /** The number of the line read last (1 for the first). */
    int lineNo() {
        return lineNo;
    }

    boolean eof() {
        return eof;
    }

    long offset() {
        return offset;
    }

    /** Next raw line without its terminator, or null at end of input. */
    String next() throws WorkloadException {
        if (eof) {
            return null;
        }
        lineNo++;
        int gathered = 0;
        while (true) {
            if (pos == limit && !fill()) {
                eof = true;
                return gathered == 0 ? null : decode(spanning, 0, gathered);
            }
            int start = pos;
            int end = start;
            while (end < limit && buffer[end] != '\n') {
                end++;
            }
            boolean found = end < limit;
            int n = end - start;
            if (gathered + n > WorkloadReader.MAX_LINE_BYTES) {
                throw error("line longer than " + WorkloadReader.MAX_LINE_BYTES + " bytes");
            }
            pos = found ? end + 1 : end;
            offset += pos - start;
            if (found && gathered == 0) {
                return decode(buffer, start, n);
            }
            if (gathered + n > spanning.length) {
                spanning = Arrays.copyOf(spanning, Math.max(gathered + n, 2 * spanning.length));
            }
            System.arraycopy(buffer, start, spanning, gathered, n);
            gathered += n;
            if (found) {
                return decode(spanning, 0, gathered);
            }
        }
    }

    /** Reads the next block; false at the end of input. */
    private boolean fill() throws WorkloadException {
        try {
            int n = in.read(buffer, 0, buffer.length);
            pos = 0;
            limit = Math.max(0, n);
            return n > 0;
        } catch (IOException e) {
            throw new WorkloadException(source, lineNo, "cannot read: " + e.getMessage());
        }
    }

    /** The line's text without a CR before its LF; ASCII (most lines) without the strict decoder's buffers. */
    private String decode(byte[] bytes, int from, int length) throws WorkloadException {
        int len = length > 0 && bytes[from + length - 1] == '\r' ? length - 1 : length;
        boolean ascii = true;
        for (int i = from; i < from + len && ascii; i++) {
            ascii = bytes[i] >= 0;
        }
        if (ascii) {
            return new String(bytes, from, len, StandardCharsets.ISO_8859_1);
        }
        try {
            return utf8.decode(ByteBuffer.wrap(bytes, from, len)).toString();
        } catch (CharacterCodingException e) {
            throw error("not valid UTF-8 text");
        }
    }

    /** An error at the line read last. */
    WorkloadException error(String reason) {
        return new WorkloadException(source, lineNo, reason);
    }

    void close() {
        try {
            in.close();
        } catch (IOException ignored) {
            // nothing was written; a failed close of a read-only stream loses nothing
        }
    }
}
