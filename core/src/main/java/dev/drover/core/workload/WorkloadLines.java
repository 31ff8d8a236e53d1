package dev.drover.core.workload;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The lines of a workload file, one at a time: each checked to be at most {@link
 * WorkloadReader#MAX_LINE_BYTES} and valid UTF-8, without its LF or CRLF, counted (for errors that name
 * {@code file:line}) and placed (the byte offset where the next line begins, for a checkpoint).
 */
final class WorkloadLines {
    private final InputStream in;
    private final String source;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteArrayOutputStream lineBytes = new ByteArrayOutputStream(256);
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
        lineBytes.reset();
        lineNo++;
        try {
            int b;
            while ((b = in.read()) != -1 && b != '\n') {
                offset++;
                if (lineBytes.size() >= WorkloadReader.MAX_LINE_BYTES) {
                    throw error("line longer than " + WorkloadReader.MAX_LINE_BYTES + " bytes");
                }
                lineBytes.write(b);
            }
            if (b == '\n') {
                offset++;
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
