package dev.drover.bench.suite;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/** Uploads numbered 0 to count - 1, spread over a fixed number of threads, timed: the files bench's baselines. */
final class UploadLoop {
    /** One upload, number {@code i}. */
    interface Upload {
        void put(int i) throws Exception;
    }

    private UploadLoop() {}

    /** Seconds for {@code count} uploads on {@code threads} threads, each thread taking the next number. */
    static double seconds(int threads, int count, Upload upload) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger named = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> new Thread(r, "bench-upload-" + named.incrementAndGet()));
        try {
            long t0 = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    for (int i; (i = next.getAndIncrement()) < count; ) {
                        upload.put(i);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            return (System.nanoTime() - t0) / 1e9;
        } finally {
            pool.shutdown();
        }
    }
}
