package dev.drover.structure;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.source.tree.ImportTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.util.TreeScanner;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * No two packages of Drover's main code depend on each other, directly or around a loop: each package
 * sits above the ones it uses, so it can be read (and changed) knowing only those. A package uses
 * another if one of its files imports a type from it or names one by its full name in code.
 */
class PackageCyclesTest {
    @Test
    void noPackageCycles() throws IOException {
        Map<String, Map<String, String>> uses = uses();
        List<String> cycles = new ArrayList<>();
        for (List<String> component : new Components(uses).strong()) {
            if (component.size() > 1) {
                StringBuilder line = new StringBuilder("cycle:");
                for (String from : component) {
                    uses.get(from).forEach((to, file) -> {
                        if (component.contains(to)) {
                            line.append("\n  ").append(from).append(" -> ").append(to).append(" (").append(file).append(')');
                        }
                    });
                }
                cycles.add(line.toString());
            }
        }
        assertEquals(List.of(), cycles, "packages that depend on each other");
    }

    /** For each package, the Drover packages it uses, each with one file that does. */
    private static Map<String, Map<String, String>> uses() throws IOException {
        Map<String, Map<String, String>> uses = new TreeMap<>();
        for (MainSources.Source source : MainSources.parsed()) {
            String pkg = source.tree().getPackageName() == null ? "" : source.tree().getPackageName().toString();
            Map<String, String> to = uses.computeIfAbsent(pkg, p -> new TreeMap<>());
            String file = source.path().toString();
            for (ImportTree i : source.tree().getImports()) {
                to.putIfAbsent(packageOf(i.getQualifiedIdentifier().toString()), file);
            }
            new TreeScanner<Void, Void>() {
                @Override
                public Void visitImport(ImportTree node, Void unused) {
                    return null; // counted above
                }

                @Override
                public Void visitMemberSelect(MemberSelectTree node, Void unused) {
                    String name = node.toString();
                    if (name.startsWith("dev.drover.")) {
                        to.putIfAbsent(packageOf(name), file);
                        return null; // its parts are prefixes of the same name
                    }
                    return super.visitMemberSelect(node, unused);
                }
            }.scan(source.tree(), null);
        }
        uses.forEach((from, to) -> {
            to.keySet().retainAll(uses.keySet()); // Drover's own packages only
            to.remove(from);
        });
        return uses;
    }

    /** The package part of a qualified name: the segments before the first capitalised one (a type). */
    static String packageOf(String qualified) {
        StringBuilder pkg = new StringBuilder();
        for (String part : qualified.split("\\.")) {
            if (part.equals("*") || Character.isUpperCase(part.charAt(0))) {
                break;
            }
            pkg.append(pkg.length() == 0 ? "" : ".").append(part);
        }
        return pkg.toString();
    }

    /** Tarjan's strongly connected components of the use graph. */
    private static final class Components {
        private final Map<String, Map<String, String>> graph;
        private final Map<String, Integer> index = new HashMap<>();
        private final Map<String, Integer> low = new HashMap<>();
        private final Deque<String> stack = new ArrayDeque<>();
        private final Set<String> onStack = new HashSet<>();
        private final List<List<String>> found = new ArrayList<>();

        Components(Map<String, Map<String, String>> graph) {
            this.graph = graph;
        }

        List<List<String>> strong() {
            graph.keySet().forEach(v -> {
                if (!index.containsKey(v)) {
                    visit(v);
                }
            });
            return found;
        }

        private void visit(String v) {
            index.put(v, index.size());
            low.put(v, index.get(v));
            stack.push(v);
            onStack.add(v);
            for (String w : graph.getOrDefault(v, Map.of()).keySet()) {
                if (!index.containsKey(w)) {
                    visit(w);
                    low.put(v, Math.min(low.get(v), low.get(w)));
                } else if (onStack.contains(w)) {
                    low.put(v, Math.min(low.get(v), index.get(w)));
                }
            }
            if (low.get(v).equals(index.get(v))) {
                List<String> component = new ArrayList<>();
                String w;
                do {
                    w = stack.pop();
                    onStack.remove(w);
                    component.add(w);
                } while (!w.equals(v));
                found.add(component);
            }
        }
    }
}
