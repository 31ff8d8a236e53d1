package dev.drover.core.workload;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * The workload reader on random input (jqwik): random bytes, and random lines built from the
 * format's own pieces, each either parse (at least one task) or fail with a
 * {@link WorkloadException} that names a line of the input (0: the file as a whole); never
 * another exception, never a hang.
 */
class WorkloadReaderFuzzTest {
    private static final ExecutorService RUNNER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fuzz-reader");
        t.setDaemon(true);
        return t;
    });

    @AfterContainer
    static void stop() {
        RUNNER.shutdownNow();
    }

    @Property(tries = 1000)
    void randomBytesParseOrNameTheLine(@ForAll("bytes") byte[] input) {
        check(input);
    }

    @Property(tries = 1500)
    void randomLinesParseOrNameTheLine(@ForAll("lines") List<String> lines, @ForAll("endings") String eol) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String l : lines) {
            out.writeBytes(l.getBytes(StandardCharsets.UTF_8));
            out.writeBytes(eol.getBytes(StandardCharsets.US_ASCII));
        }
        check(out.toByteArray());
    }

    private static void check(byte[] input) {
        long lines = 1;
        for (byte b : input) {
            if (b == '\n') {
                lines++;
            }
        }
        Future<Object> run = RUNNER.submit(() -> {
            try (WorkloadReader reader = new WorkloadReader(new ByteArrayInputStream(input), "fuzz.txt")) {
                return reader.forEach(spec -> { });
            } catch (WorkloadException e) {
                return e;
            }
        });
        Object outcome;
        try {
            outcome = run.get(5, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            run.cancel(true);
            throw new AssertionError("the reader hung on " + input.length + " bytes");
        } catch (ExecutionException e) {
            throw new AssertionError("not a WorkloadException: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        if (outcome instanceof WorkloadException e) {
            assertTrue(e.line() >= 0 && e.line() <= lines, e.getMessage() + " of " + lines + " lines");
            assertTrue(e.getMessage().startsWith("fuzz.txt" + (e.line() > 0 ? ":" + e.line() + ": " : ": ")), e.getMessage());
            assertTrue(e.reason() != null && !e.reason().isBlank());
        } else if (!(outcome instanceof Long n) || n < 1) {
            fail("parsed, yet no task: " + outcome);
        }
    }

    @Provide
    Arbitrary<byte[]> bytes() {
        return Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(2000),
                // mostly text, with the odd byte that is not UTF-8
                Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(20, Arbitraries.chars().ascii().map(c -> (byte) c.charValue())),
                        net.jqwik.api.Tuple.of(3, Arbitraries.of((byte) '\n', (byte) '\r', (byte) '@', (byte) '#')),
                        net.jqwik.api.Tuple.of(1, Arbitraries.bytes()))
                        .array(byte[].class).ofMaxSize(3000));
    }

    @Provide
    Arbitrary<List<String>> lines() {
        Arbitrary<String> number = Arbitraries.oneOf(Arbitraries.longs().between(-5, 100_000).map(String::valueOf),
                Arbitraries.of("", "x", "1.5", "99999999999999999999999", "-0", "+3", "0x10", "1e3", " 7 "));
        Arbitrary<String> duration = Arbitraries.oneOf(number,
                Arbitraries.of("500ms", "3s", "2m", "1h", "none", "0s", "-1s", "10d", "s", "ms", "9999999999999h"));
        Arbitrary<String> text = Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(40);
        Arbitrary<String> line = Arbitraries.oneOf(
                number.map(n -> "sleep " + n),
                number.map(n -> "sleep" + n),
                duration.map(d -> "@timeout " + d),
                number.map(n -> "@retries " + n),
                text.map(t -> "@" + t),
                text.map(t -> "# " + t),
                text.map(t -> "echo " + t),
                text,
                Arbitraries.of("", "   ", "\t", "sleep", "@timeout", "@retries", "é ünïcode ✓", "\u0000", "\r"),
                Arbitraries.integers().between(60_000, 70_000).map(n -> "x".repeat(n)));
        return line.list().ofMaxSize(30);
    }

    @Provide
    Arbitrary<String> endings() {
        return Arbitraries.of("\n", "\r\n", "\r");
    }
}
