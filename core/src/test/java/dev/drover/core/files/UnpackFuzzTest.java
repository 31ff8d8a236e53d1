package dev.drover.core.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The unpacker on generated archives (jqwik): symlinks (chains through {@code .}, {@code ..}, absolute),
 * hard links, {@code ..} and absolute names, backslashes, duplicate names, devices and FIFOs, aimed at
 * a folder beside the root. Whether a pack is accepted or refused, nothing outside the root changes,
 * no file under it holds the outside secret, every symlink left resolves inside, and the scheduler's
 * {@link FilesPack#check} agrees with the unpacker.
 */
class UnpackFuzzTest {
    private static final String SECRET = "secret-outside-the-root";
    private static Path base;
    private static Path outside;
    private static List<Path> before;
    private static final AtomicLong TRIES = new AtomicLong();

    @BeforeContainer
    static void setUp() throws IOException {
        base = Files.createTempDirectory("unpack-fuzz-");
        outside = Files.createDirectories(base.resolve("outside"));
        Files.writeString(outside.resolve("secret"), SECRET);
        Files.createDirectories(base.resolve("roots"));
        before = listing();
    }

    @AfterContainer
    static void tearDown() {
        FilesPack.deleteTree(base);
    }

    /** Everything under the base but the roots, not following links. */
    private static List<Path> listing() throws IOException {
        try (Stream<Path> s = Files.walk(base)) {
            return s.filter(p -> !p.startsWith(base.resolve("roots")) || p.equals(base.resolve("roots"))).sorted().toList();
        }
    }

    @Property(tries = 2000)
    void nothingOutsideTheRootChanges(@ForAll("archives") Archives archive) throws Exception {
        byte[] tgz = archive.tgzBytes();
        Path root = Files.createDirectories(base.resolve("roots").resolve(Long.toString(TRIES.incrementAndGet())));
        boolean unpacked;
        try {
            FilesPack.unpackTarGz(new ByteArrayInputStream(tgz), root, 1 << 16, 64, "fuzz");
            unpacked = true;
            Statistics.collect("unpacked");
        } catch (FilesException refused) {
            assertTrue(refused.getMessage().startsWith("fuzz: "), refused.getMessage());
            unpacked = false;
            Statistics.collect(kind(refused.getMessage()));
        }
        boolean checked;
        try {
            FilesPack.check(new ByteArrayInputStream(tgz), 1 << 16, 64, "fuzz");
            checked = true;
        } catch (FilesException refused) {
            checked = false;
        }
        try {
            assertEquals(unpacked, checked, "the scheduler's check and the worker's unpacker agree");
            assertEquals(before, listing(), "nothing appeared or went outside the root");
            assertEquals(SECRET, Files.readString(outside.resolve("secret")));
            Path real = root.toRealPath();
            try (Stream<Path> s = Files.walk(root)) {
                for (Path p : s.toList()) {
                    if (Files.isSymbolicLink(p)) {
                        assertTrue(unpacked, "a refused pack leaves no symlink: " + p);
                        if (Files.exists(p)) {
                            assertTrue(p.toRealPath().startsWith(real), p + " resolves outside: " + p.toRealPath());
                        }
                    } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                        assertFalse(Files.readString(p).contains(SECRET), "the outside secret was copied in: " + p);
                    }
                }
            }
        } finally {
            FilesPack.deleteTree(root);
        }
    }

    /** A refusal's reason without its names, to count how often each rule bites. */
    private static String kind(String message) {
        String reason = message.substring(message.indexOf(": ", "fuzz: ".length()) + 2);
        return reason.replaceAll(" \\(.*", "").replaceAll("^(a hard link to) .*(, which is no file).*", "$1 X$2")
                .replaceAll("^(under the [a-z]+) .*", "$1 X");
    }

    @Provide
    Arbitrary<Archives> archives() {
        Arbitrary<Archives.Item> item = Combinators.combine(
                Arbitraries.frequency(Tuple.of(12, Archives.Type.FILE), Tuple.of(6, Archives.Type.DIR),
                        Tuple.of(16, Archives.Type.SYMLINK), Tuple.of(6, Archives.Type.HARDLINK), Tuple.of(1, Archives.Type.FIFO),
                        Tuple.of(1, Archives.Type.CHARDEV)).withoutEdgeCases(), names(), targets(), names(), Arbitraries.of("x", "#!/bin/sh\n", ""))
                .as((type, name, target, other, contents) -> new Archives.Item(type, name, switch (type) {
                    case FILE -> contents;
                    case HARDLINK -> other.hashCode() % 3 == 0 ? target : other; // mostly another entry's name
                    default -> target;
                }));
        return item.list().ofMinSize(1).ofMaxSize(10).map(items -> {
            Archives a = Archives.of();
            items.forEach(i -> a.add(i.type(), i.name(), i.data()));
            return a;
        });
    }

    /** Entry names: short paths over a few segments (a name repeats often), some absolute or with backslashes. */
    private Arbitrary<String> names() {
        Arbitrary<String> segment = Arbitraries.frequency(Tuple.of(4, "a"), Tuple.of(4, "b"), Tuple.of(6, "d"), Tuple.of(6, "x"),
                Tuple.of(1, "."), Tuple.of(1, ".."), Tuple.of(1, ""));
        Arbitrary<String> plain = segment.list().ofMinSize(1).ofMaxSize(4).map(s -> String.join("/", s));
        return Arbitraries.frequencyOf(Tuple.of(12, plain),
                Tuple.of(1, plain.map(n -> "/" + n)),
                Tuple.of(1, plain.map(n -> n.replace('/', '\\'))),
                Tuple.of(2, Arbitraries.of("x/" + outside.toString().substring(1) + "/planted", "d/d/d/d/d/d/x", "x/secret", "a/")));
    }

    /** Link targets: the same names, chains of {@code d/} and {@code ../}, and the outside folder. */
    private Arbitrary<String> targets() {
        Arbitrary<String> chain = Combinators.combine(Arbitraries.integers().between(0, 12), Arbitraries.integers().between(0, 12))
                .as((down, up) -> "d/".repeat(down) + "../".repeat(up));
        return Arbitraries.oneOf(names(), chain, chain.map(c -> c + "outside/secret"),
                Arbitraries.of(".", "..", outside.toString(), outside.resolve("secret").toString(),
                        "x/" + outside.resolve("secret").toString().substring(1), "../../outside/secret", "/"));
    }
}
