package dev.drover.bench.suite;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The files bench's figures ({@link FilesBench}) as a Markdown section: files in, then outputs out. */
final class FilesBenchReport {
    private FilesBenchReport() {}

    static String markdown(Map<String, Object> figures) {
        StringBuilder sb = new StringBuilder("## Files in, outputs out\n\n");
        if (figures.containsKey("files.tasks")) {
            sb.append(String.format(Locale.ROOT, "%s x `true` on the in-JVM pool, %s workers, files: %s MB in %s entries."
                            + " Time a task took after each worker's first task (its result's finishedAt - startedAt):%n%n",
                    figures.get("files.tasks"), figures.get("files.workers"), figures.get("files.mb"), figures.get("files.entries")));
            sb.append("| files copy | without files, ms/task | with files, ms/task | added, ms/task | added, from wall time | copies made | lent again |\n");
            sb.append("|---|---:|---:|---:|---:|---:|---:|\n");
            for (String mode : List.of("lent", "copied")) {
                if (figures.containsKey("files." + mode + ".addedMsPerTask")) {
                    sb.append(String.format(Locale.ROOT, "| %s | %.3f | %.3f | %+.3f | %+.3f | %s | %s |%n",
                            mode.equals("lent") ? "lent again when untouched (default)" : "fresh copy each task",
                            (double) figures.get("files." + mode + ".withoutMsPerTask"),
                            (double) figures.get("files." + mode + ".withMsPerTask"),
                            (double) figures.get("files." + mode + ".addedMsPerTask"),
                            (double) figures.get("files." + mode + ".addedWallMsPerTask"),
                            figures.get("files." + mode + ".copiesMade"), figures.get("files." + mode + ".copiesLentAgain")));
                }
            }
            sb.append('\n');
        }
        if (figures.containsKey("outputs.ratio")) {
            sb.append(String.format(Locale.ROOT, "%s tasks x %s MB to `$DROVER_OUTPUT_DIR` on local AWS (s3proxy on disk),"
                            + " concurrency %s, beside a raw PutObject loop of the same bytes:%n%n",
                    figures.get("outputs.tasks"), figures.get("outputs.mbPerTask"), figures.get("outputs.concurrency")));
            sb.append("| | seconds | MB/s |\n|---|---:|---:|\n");
            sb.append(String.format(Locale.ROOT, "| raw PutObject loop (mean of two) | %.2f | %.1f |%n",
                    (double) figures.get("outputs.rawSeconds"), (double) figures.get("outputs.rawMBps")));
            sb.append(String.format(Locale.ROOT, "| Drover (submit to last result) | %.2f | %.1f |%n",
                    (double) figures.get("outputs.droverSeconds"), (double) figures.get("outputs.droverMBps")));
            if (figures.containsKey("outputs.droverC2Seconds")) {
                sb.append(String.format(Locale.ROOT, "| Drover, worker processes with the whole JIT (not C2 for digests only) | %.2f | %.1f |%n",
                        (double) figures.get("outputs.droverC2Seconds"), (double) figures.get("outputs.droverC2MBps")));
            }
            if (figures.containsKey("outputs.rawSignedSeconds")) {
                sb.append(String.format(Locale.ROOT, "| raw PutObject loop, SDK default signing over HTTP (payload SHA-256 + CRC32) | %.2f | %.1f |%n",
                        (double) figures.get("outputs.rawSignedSeconds"),
                        (int) figures.get("outputs.tasks") * (double) (int) figures.get("outputs.mbPerTask")
                                / (double) figures.get("outputs.rawSignedSeconds")));
            }
            sb.append(String.format(Locale.ROOT, "| Drover's store code alone in the bench JVM (putFileSha256, same threads) | %.2f | %.1f |%n",
                    (double) figures.get("outputs.storeLoopSeconds"),
                    (int) figures.get("outputs.tasks") * (double) (int) figures.get("outputs.mbPerTask")
                            / (double) figures.get("outputs.storeLoopSeconds")));
            sb.append(String.format(Locale.ROOT, "| the same tasks, writing to their working directory (no upload) | %.2f | (%.1f) |%n",
                    (double) figures.get("outputs.noUploadSeconds"),
                    (int) figures.get("outputs.tasks") * (double) (int) figures.get("outputs.mbPerTask")
                            / (double) figures.get("outputs.noUploadSeconds")));
            if (figures.containsKey("outputs.floorSeconds")) {
                sb.append(String.format(Locale.ROOT, "| at best on this machine's %d cores (the tasks without uploads + s3proxy's CPU for the puts) | %.2f | %.1f |%n",
                        Runtime.getRuntime().availableProcessors(), (double) figures.get("outputs.floorSeconds"),
                        (int) figures.get("outputs.tasks") * (double) (int) figures.get("outputs.mbPerTask")
                                / (double) figures.get("outputs.floorSeconds")));
            }
            sb.append(String.format(Locale.ROOT, "%nDrover / raw: %.0f %%. A task took %.1f ms writing and uploading its"
                            + " output, %.1f ms writing it only (each worker's first task left out).%n",
                    100 * (double) figures.get("outputs.ratio"), (double) figures.get("outputs.droverTaskMs"),
                    (double) figures.get("outputs.noUploadTaskMs")));
        }
        return sb.toString();
    }
}
