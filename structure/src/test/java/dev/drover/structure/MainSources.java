package dev.drover.structure;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.util.JavacTask;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Every module's main sources ({@code MODULE/src/main/java}), parsed by javac (syntax trees only: nothing
 * is resolved or compiled). Read once per test run.
 */
final class MainSources {
    /** A source file, its path relative to the repository and its syntax tree. */
    record Source(Path path, CompilationUnitTree tree) {}

    private static List<Source> all;

    private MainSources() {}

    /** The repository: the parent of this module's directory, where the build runs its tests. */
    static Path repository() {
        return Path.of("").toAbsolutePath().getParent();
    }

    /** Every {@code .java} file under a {@code src/main/java} of a module of the repository. */
    static List<Path> files() {
        Path repo = repository();
        List<Path> files = new ArrayList<>();
        try (Stream<Path> modules = Files.list(repo)) {
            for (Path main : modules.map(m -> m.resolve("src/main/java")).filter(Files::isDirectory).toList()) {
                try (Stream<Path> tree = Files.walk(main)) {
                    tree.filter(p -> p.toString().endsWith(".java")).sorted().forEach(files::add);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (files.isEmpty()) {
            throw new IllegalStateException("no main sources under " + repo + ": is the working directory a module's?");
        }
        return files;
    }

    static synchronized List<Source> parsed() throws IOException {
        if (all == null) {
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            try (StandardJavaFileManager fm = javac.getStandardFileManager(null, null, null)) {
                JavacTask task = (JavacTask) javac.getTask(null, fm, null, List.of("-proc:none"), null,
                        fm.getJavaFileObjectsFromPaths(files()));
                List<Source> sources = new ArrayList<>();
                Path repo = repository();
                for (CompilationUnitTree unit : task.parse()) {
                    sources.add(new Source(repo.relativize(Path.of(unit.getSourceFile().toUri())), unit));
                }
                all = List.copyOf(sources);
            }
        }
        return all;
    }
}
