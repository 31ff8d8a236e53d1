package dev.drover.core.codec;

import dev.drover.core.Usage;
import dev.drover.core.model.OutputFile;
import dev.drover.core.model.ResultBatch;
import dev.drover.core.model.ResultProof;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStart;
import dev.drover.core.model.TaskStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Random result batches for the codec's properties: every kind of character, null strings, every optional key. */
final class RandomBatches {
    private RandomBatches() {
    }

    static ResultBatch batch(Random r) {
        List<TaskResult> results = new ArrayList<>();
        List<String> jobs = pool(r);
        List<String> workers = pool(r);
        for (int i = r.nextInt(6); i > 0; i--) {
            results.add(new TaskResult(pick(r, jobs), number(r), (int) number(r), text(r), status(r),
                    r.nextInt(4) == 0 ? null : (int) number(r), text(r), text(r), r.nextBoolean(), r.nextBoolean(),
                    pick(r, workers), number(r), number(r), number(r), (int) number(r), text(r), (int) number(r), files(r),
                    r.nextInt(3) == 0 ? file(r) : null, r.nextInt(3) == 0 ? file(r) : null,
                    r.nextBoolean() ? 0 : number(r)));
        }
        List<TaskStart> starts = new ArrayList<>();
        for (int i = r.nextInt(3); i > 0; i--) {
            starts.add(new TaskStart(text(r), number(r), number(r)));
        }
        List<ResultProof> proofs = new ArrayList<>();
        for (int i = r.nextInt(3); i > 0; i--) {
            proofs.add(new ResultProof(text(r), List.of(number(r)), r.nextBoolean() ? List.of() : List.of(number(r), 0L),
                    text(r)));
        }
        Usage usage = r.nextBoolean() ? Usage.ZERO : new Usage(number(r), number(r), number(r), number(r));
        return new ResultBatch(text(r), text(r), usage, number(r), results, starts, proofs);
    }

    private static TaskStatus status(Random r) {
        return TaskStatus.values()[r.nextInt(TaskStatus.values().length)];
    }

    private static List<OutputFile> files(Random r) {
        List<OutputFile> files = new ArrayList<>();
        for (int i = r.nextInt(3); i > 0; i--) {
            files.add(file(r));
        }
        return files;
    }

    private static OutputFile file(Random r) {
        return new OutputFile(text(r), number(r), text(r));
    }

    /** Small and large, negative, the bounds of int and long. */
    static long number(Random r) {
        return switch (r.nextInt(5)) {
            case 0 -> r.nextInt(10);
            case 1 -> r.nextInt();
            case 2 -> r.nextLong();
            case 3 -> r.nextBoolean() ? Long.MIN_VALUE : Long.MAX_VALUE;
            default -> r.nextBoolean() ? Integer.MIN_VALUE : Integer.MAX_VALUE;
        };
    }

    /**
     * A batch's job ids or workers: results repeat them (the reader shares a repeated one), with ones that
     * differ from another by a quote, a character more or less, so that a repeat is told from a near one.
     */
    static List<String> pool(Random r) {
        String a = text(r);
        String base = a == null ? "" : a;
        return java.util.Arrays.asList(a, base + "\"", base + "x", base.isEmpty() ? "" : base.substring(0, base.length() - 1),
                text(r));
    }

    static String pick(Random r, List<String> pool) {
        return pool.get(r.nextInt(r.nextBoolean() ? 1 : pool.size()));
    }

    /**
     * Null now and then, else characters of every kind: printable, controls, quotes and backslashes, any of plane 0
     * (lone surrogates among them), surrogate pairs.
     */
    static String text(Random r) {
        if (r.nextInt(8) == 0) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = r.nextInt(9); i > 0; i--) {
            switch (r.nextInt(6)) {
                case 0 -> sb.append((char) r.nextInt(0x20));
                case 1 -> sb.append("\"\\/".charAt(r.nextInt(3)));
                case 2 -> sb.append((char) r.nextInt(Character.MAX_VALUE + 1));
                case 3 -> sb.appendCodePoint(Character.MIN_SUPPLEMENTARY_CODE_POINT
                        + r.nextInt(Character.MAX_CODE_POINT + 1 - Character.MIN_SUPPLEMENTARY_CODE_POINT));
                default -> sb.append((char) (0x20 + r.nextInt(0x5f)));
            }
        }
        return sb.toString();
    }
}
