package dev.drover.scheduler.api;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** A request body that fails as soon as it streams past its limit, so the rest is never spooled. */
final class BodyLimit extends FilterInputStream {
    /** The body went over the limit, which the 413 names. */
    static final class TooLarge extends IOException {
        final long limit;

        TooLarge(long limit) {
            super("request body over the limit of " + limit + " bytes", null);
            this.limit = limit;
        }
    }

    private final long limit;
    private long count;

    BodyLimit(InputStream in, long limit) {
        super(in);
        this.limit = limit;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            counted(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        if (n > 0) {
            counted(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        counted(skipped);
        return skipped;
    }

    private void counted(long n) throws TooLarge {
        count += n;
        if (count > limit) {
            throw new TooLarge(limit);
        }
    }
}
