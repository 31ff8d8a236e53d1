package dev.drover.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * The proof's MAC is over the text its protocol names, byte for byte: written straight into the MAC
 * ({@link ProofText}), it must equal the HMAC of that text built as a string, for any numbers, a
 * missing status or exit code, any scope's characters, and texts longer than the writer's buffer.
 */
class ResultProofTextTest {
    private static final long[] EDGES = {0, 1, -1, 9, 10, 99, 100, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1,
            Integer.MAX_VALUE, Integer.MIN_VALUE, 1_700_000_000_123L, 999_999_999_999_999_999L, 1_000_000_000_000_000_000L};

    @Test
    void theMacIsTheHmacOfTheProtocolsText() throws Exception {
        Random random = new Random(24);
        for (int round = 0; round < 300; round++) {
            byte[] secret = new byte[16];
            random.nextBytes(secret);
            String scope = scope(random);
            List<TaskResult> results = new ArrayList<>();
            for (int i = random.nextInt(round % 10 == 0 ? 200 : 5); i > 0; i--) {
                results.add(result(random));
            }
            List<TaskStart> starts = new ArrayList<>();
            for (int i = random.nextInt(round % 7 == 0 ? 100 : 4); i > 0; i--) {
                starts.add(new TaskStart("j", number(random), number(random)));
            }
            assertEquals(reference(secret, scope, results, starts), ResultProof.mac(secret, scope, results, starts),
                    "round " + round);
        }
    }

    @Test
    void anotherKeyOrAChangedItemGivesAnotherMac() {
        byte[] secret = "sixteen byte key".getBytes(StandardCharsets.US_ASCII);
        List<TaskResult> one = List.of(result("j", 3, TaskStatus.SUCCEEDED, 0, 1, 1_700_000_000_000L));
        String mac = ResultProof.mac(secret, "0-9@j", one, List.of());
        assertNotEquals(mac, ResultProof.mac("sixteen byte kez".getBytes(StandardCharsets.US_ASCII), "0-9@j", one, List.of()));
        assertNotEquals(mac, ResultProof.mac(secret, "0-9@j", List.of(result("j", 3, TaskStatus.FAILED, 0, 1,
                1_700_000_000_000L)), List.of()));
        assertNotEquals(mac, ResultProof.mac(secret, "0-9@j", List.of(result("j", 3, TaskStatus.SUCCEEDED, 0, 1,
                1_700_000_000_001L)), List.of()));
    }

    /** The definition: the whole text as a string, its UTF-8 bytes into a fresh Mac. */
    private static String reference(byte[] secret, String scope, List<TaskResult> results, List<TaskStart> starts)
            throws Exception {
        StringBuilder text = new StringBuilder("drover-result-proof-v1\n").append(scope).append('\n');
        for (TaskResult r : results) {
            text.append("r ").append(r.seq()).append(' ').append(r.status()).append(' ').append(r.exitCode())
                    .append(' ').append(r.attempts()).append(' ').append(r.finishedAt()).append('\n');
        }
        for (TaskStart s : starts) {
            text.append("s ").append(s.seq()).append(' ').append(s.startedAt()).append('\n');
        }
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(text.toString().getBytes(StandardCharsets.UTF_8)));
    }

    private static String scope(Random random) {
        StringBuilder s = new StringBuilder();
        for (int i = random.nextInt(random.nextInt(10) == 0 ? 2000 : 40); i > 0; i--) {
            int kind = random.nextInt(4);
            s.appendCodePoint(kind == 0 ? 0x20 + random.nextInt(0x5f) : kind == 1 ? 0xa0 + random.nextInt(0x700)
                    : kind == 2 ? 0x1F600 + random.nextInt(50) : '0' + random.nextInt(10));
        }
        return s.append("@j").toString();
    }

    private static TaskResult result(Random random) {
        TaskStatus[] statuses = TaskStatus.values();
        int status = random.nextInt(statuses.length + 1);
        Integer exit = random.nextInt(4) == 0 ? null : (int) number(random);
        return result("j", number(random), status == statuses.length ? null : statuses[status], exit,
                (int) number(random), number(random));
    }

    private static TaskResult result(String job, long seq, TaskStatus status, Integer exit, int attempts, long finishedAt) {
        return new TaskResult(job, seq, 0, "sleep 0", status, exit, "", "", false, false, "w", 0, 0, finishedAt, attempts, null);
    }

    private static long number(Random random) {
        return switch (random.nextInt(3)) {
            case 0 -> EDGES[random.nextInt(EDGES.length)];
            case 1 -> random.nextLong();
            default -> random.nextInt(100_000) - 1_000;
        };
    }
}
