package dev.drover.structure;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.source.tree.ClassTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreeScanner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.lang.model.element.Modifier;
import org.junit.jupiter.api.Test;

/**
 * The team's size rules over every module's main code: no source file over {@value #MAX_LINES} lines,
 * no class over {@value #MAX_FIELDS} fields. A field is an instance field or a static one that is not
 * final: what a class holds, not the constants it names. A record's components are not counted: they
 * are the value it is (the API's and the wire's shapes), not state a class piles up.
 */
class SourceLimitsTest {
    static final int MAX_LINES = 400;
    static final int MAX_FIELDS = 15;

    /**
     * Classes over the limit today, each with its field count, in code other work is changing now: the
     * count may only fall, and an entry must go once its class is within the limit.
     */
    private static final Map<String, Integer> KNOWN_OVER = Map.of();

    @Test
    void noMainSourceFileIsOver400Lines() throws IOException {
        List<String> over = new ArrayList<>();
        for (Path file : MainSources.files()) {
            long lines;
            try (var all = Files.lines(file)) {
                lines = all.count();
            }
            if (lines > MAX_LINES) {
                over.add(MainSources.repository().relativize(file) + ": " + lines + " lines");
            }
        }
        assertEquals(List.of(), over, "main source files over " + MAX_LINES + " lines: split them along a seam");
    }

    @Test
    void noClassHasMoreThan15Fields() throws IOException {
        Map<String, Integer> counts = fieldCounts();
        List<String> wrong = new ArrayList<>();
        counts.forEach((type, fields) -> {
            Integer known = KNOWN_OVER.get(type);
            if (fields > MAX_FIELDS && (known == null || fields > known)) {
                wrong.add(type + ": " + fields + " fields");
            }
        });
        KNOWN_OVER.forEach((type, known) -> {
            if (counts.getOrDefault(type, 0) <= MAX_FIELDS) {
                wrong.add(type + " is within the limit now (" + counts.get(type) + " fields): take it off KNOWN_OVER");
            }
        });
        assertEquals(List.of(), wrong, "classes over " + MAX_FIELDS + " fields (instance, or static and not final)");
    }

    /** Fields per class, nested classes by their dotted names. */
    private static Map<String, Integer> fieldCounts() throws IOException {
        Map<String, Integer> counts = new TreeMap<>();
        for (MainSources.Source source : MainSources.parsed()) {
            String pkg = source.tree().getPackageName() == null ? "" : source.tree().getPackageName() + ".";
            new TreeScanner<Void, String>() {
                @Override
                public Void visitClass(ClassTree type, String outer) {
                    String name = (outer == null ? pkg : outer + ".") + type.getSimpleName();
                    if (type.getKind() != Tree.Kind.RECORD) {
                        counts.put(name, fields(type));
                    }
                    return super.visitClass(type, name);
                }
            }.scan(source.tree(), null);
        }
        return counts;
    }

    private static int fields(ClassTree type) {
        boolean constantsOnly = type.getKind() == Tree.Kind.INTERFACE || type.getKind() == Tree.Kind.ANNOTATION_TYPE;
        int n = 0;
        for (Tree member : type.getMembers()) {
            if (member instanceof VariableTree field && !constantsOnly) {
                var flags = field.getModifiers().getFlags();
                if (!(flags.contains(Modifier.STATIC) && flags.contains(Modifier.FINAL))) {
                    n++;
                }
            }
        }
        return n;
    }
}
