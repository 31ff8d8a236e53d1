import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The licence of every runtime dependency of Drover and of its emulators, checked against the
 * licences the OSI approved; writes or checks docs/licences.md. Run by licences/pom.xml at verify:
 *
 * <pre>
 * java LicenceCheck.java --repo M2_REPOSITORY --doc docs/licences.md --update false|true
 *     --maven "TITLE=dependency-tree.txt" ... [--bundle "TITLE=fat.jar"] --npm "TITLE=package-lock.json" ...
 *     [--declared-elsewhere FILE]
 * </pre>
 *
 * {@code --bundle} adds to a section what a fat jar bundles beyond its dependency tree (optional
 * dependencies, say), found by the POMs it embeds under META-INF/maven. An artifact whose POMs
 * declare no licence may be named in the {@code --declared-elsewhere} file (tab-separated:
 * group:artifact, SPDX id, where the licence is stated), and fails otherwise.
 *
 * A Maven artifact's licences are the {@code <licenses>} of its POM, or of its nearest parent POM
 * that has some, read from the local repository (so it runs offline once the build has run). One of
 * them must be OSI-approved: a POM that lists two offers a choice (HdrHistogram: CC0 or
 * BSD-2-Clause; logback: EPL-1.0 or LGPL-2.1), as license-maven-plugin reads them too. An npm package's {@code license} is an SPDX expression: every term of an AND, and one
 * of an OR, must be OSI-approved. A licence this file cannot name fails the check with its artifact.
 */
public final class LicenceCheck {
    /**
     * SPDX ids on the OSI's list of approved licences (opensource.org/licenses) that are likely here.
     * GPL-2.0-with-classpath-exception is GPL-2.0 (approved) with an extra permission.
     */
    static final List<String> OSI_APPROVED = List.of("0BSD", "Apache-2.0", "BSD-2-Clause", "BSD-3-Clause", "BSL-1.0",
            "CDDL-1.0", "EPL-1.0", "EPL-2.0", "GPL-2.0-with-classpath-exception", "ISC", "LGPL-2.0-or-later", "LGPL-2.1",
            "LGPL-3.0", "MIT",
            "MIT-0", "MPL-1.1", "MPL-2.0", "UPL-1.0", "Unlicense", "Zlib");

    /** Names and URLs as POMs write them, to SPDX ids; the first match wins, so narrow forms come first. */
    static final List<Alias> ALIASES = List.of(
            new Alias("classpath.?exception|gpl.?2.*\\bcpe\\b", "GPL-2.0-with-classpath-exception"),
            new Alias("apache|asl|\\basf\\b", "Apache-2.0", "2"),
            new Alias("\\bmit\\b|opensource\\.org/licenses/mit", "MIT"),
            new Alias("bouncy castle licen[cs]e", "MIT"), // the Bouncy Castle licence is the MIT licence's text
            new Alias("eclipse distribution licen[cs]e|\\bedl\\b", "BSD-3-Clause"), // EDL 1.0 is BSD-3-Clause
            new Alias("eclipse public licen[cs]e.*2\\.0|\\bepl[- ]?(v)?2|epl-2\\.0|eclipse.org/legal/epl-2", "EPL-2.0"),
            new Alias("eclipse public licen[cs]e|\\bepl\\b|eclipse.org/legal/epl-v10", "EPL-1.0"),
            new Alias("lesser general public licen[cs]e.*(2\\.1|v2)|lgpl.*2\\.1", "LGPL-2.1"),
            // The GNU Library GPL is LGPL 2.0, "or Lesser" leaves the version open: every version is OSI-approved.
            new Alias("gnu library or lesser general public licen[cs]e \\(lgpl\\)$", "LGPL-2.0-or-later"),
            new Alias("lesser general public licen[cs]e.*3|lgpl.*3", "LGPL-3.0"),
            new Alias("mozilla public licen[cs]e.*2\\.0|\\bmpl.*2\\.0", "MPL-2.0"),
            new Alias("mozilla public licen[cs]e.*1\\.1|\\bmpl.*1\\.1", "MPL-1.1"),
            new Alias("common development and distribution licen[cs]e.*1\\.0|cddl.*1\\.0", "CDDL-1.0"),
            new Alias("universal permissive licen[cs]e|\\bupl\\b", "UPL-1.0"),
            new Alias("boost software licen[cs]e|bsl-1\\.0", "BSL-1.0"),
            new Alias("bsd.*2.clause|2.clause.*bsd|simplified bsd|freebsd", "BSD-2-Clause"),
            new Alias("bsd.*3.clause|3.clause.*bsd|new bsd|revised bsd|modified bsd|bsd-3|edl-v10|go licen[cs]e", "BSD-3-Clause"),
            new Alias("^bsd( licen[cs]e)?$|opensource.org/licenses/bsd-license", "BSD-3-Clause"),
            new Alias("\\bisc\\b", "ISC"),
            new Alias("zlib", "Zlib"),
            new Alias("unlicense", "Unlicense"));

    record Alias(Pattern pattern, String spdx, Optional<String> mustAlsoContain) {
        Alias(String regex, String spdx) {
            this(Pattern.compile(regex), spdx, Optional.empty());
        }

        Alias(String regex, String spdx, String mustAlsoContain) {
            this(Pattern.compile(regex), spdx, Optional.of(mustAlsoContain));
        }

        boolean matches(String text) {
            return pattern.matcher(text).find() && mustAlsoContain.map(text::contains).orElse(true);
        }
    }

    /** One licence as declared, and its SPDX id if this file knows it. */
    record Licence(String declared, Optional<String> spdx) {
        boolean approved() {
            return spdx.filter(OSI_APPROVED::contains).isPresent();
        }
    }

    /** One dependency: name, version, and the licences it declares: one must be approved if they are a choice, else all. */
    record Dependency(String name, String version, List<Licence> licences, boolean anyOf) {
        boolean approved() {
            return !licences.isEmpty() && (anyOf ? licences.stream().anyMatch(Licence::approved)
                    : licences.stream().allMatch(Licence::approved));
        }
    }

    /** Exit statuses: 1 is left to errors (a missing file, an unreadable POM). */
    static final int REFUSED = 2;
    static final int STALE = 3;

    private static final Pattern TREE_LINE = Pattern.compile(
            "^[\\s|+\\\\-]*([\\w.\\-]+):([\\w.\\-]+):([\\w.\\-]+)(?::([\\w.\\-]+))?:([\\w.\\-]+):(compile|runtime|provided|system|test)");

    private final Path repo;
    private final Map<String, Licence> elsewhere;
    private final DocumentBuilder xml;

    LicenceCheck(Path repo, Map<String, Licence> elsewhere) throws Exception {
        this.repo = repo;
        this.elsewhere = elsewhere;
        this.xml = DocumentBuilderFactory.newInstance().newDocumentBuilder();
    }

    /** group:artifact to its licence, from a tab-separated file (# starts a comment). */
    static Map<String, Licence> declaredElsewhere(Path file) throws IOException {
        Map<String, Licence> known = new TreeMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t");
            if (f.length != 3) {
                throw new IllegalArgumentException(file + ": not group:artifact, SPDX id and source, tab-separated: " + line);
            }
            known.put(f[0], new Licence(f[1] + " (declared elsewhere: " + f[2] + ")", Optional.of(f[1])));
        }
        return known;
    }

    /** {@code section} and, sorted in, what {@code jar} embeds a POM of that the section does not name. */
    List<Dependency> withBundled(List<Dependency> section, Path jar) throws Exception {
        Map<String, Dependency> all = new TreeMap<>();
        section.forEach(d -> all.put(d.name() + ":" + d.version(), d));
        java.util.Set<String> named = new java.util.HashSet<>();
        section.forEach(d -> named.add(d.name()));
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile())) {
            for (var entry : java.util.Collections.list(zip.entries())) {
                String[] path = entry.getName().split("/");
                if (path.length != 5 || !entry.getName().startsWith("META-INF/maven/") || !path[4].equals("pom.xml")
                        || named.contains(path[2] + ":" + path[3])) {
                    continue;
                }
                Element project = xml.parse(zip.getInputStream(entry)).getDocumentElement();
                var properties = new java.util.Properties();
                var propertiesEntry = zip.getEntry(entry.getName().replace("pom.xml", "pom.properties"));
                if (propertiesEntry != null) {
                    properties.load(zip.getInputStream(propertiesEntry));
                }
                String version = properties.getProperty("version", "?");
                all.put(path[2] + ":" + path[3] + ":" + version, new Dependency(path[2] + ":" + path[3], version,
                        declared(path[2] + ":" + path[3], project), true));
            }
        }
        return List.copyOf(all.values());
    }

    public static void main(String[] args) throws Exception {
        Path repo = null;
        Path doc = null;
        boolean update = false;
        Map<String, Path> maven = new LinkedHashMap<>();
        Map<String, Path> npm = new LinkedHashMap<>();
        Map<String, Path> bundles = new LinkedHashMap<>();
        Path elsewhere = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--repo" -> repo = Path.of(args[++i]);
                case "--doc" -> doc = Path.of(args[++i]).normalize();
                case "--update" -> update = Boolean.parseBoolean(args[++i]);
                case "--maven" -> put(maven, args[++i]);
                case "--npm" -> put(npm, args[++i]);
                case "--bundle" -> put(bundles, args[++i]);
                case "--declared-elsewhere" -> elsewhere = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        LicenceCheck check = new LicenceCheck(repo, elsewhere == null ? Map.of() : declaredElsewhere(elsewhere));
        Map<String, List<Dependency>> sections = new LinkedHashMap<>();
        for (var e : maven.entrySet()) {
            sections.put(e.getKey(), check.mavenDependencies(e.getValue()));
        }
        for (var e : bundles.entrySet()) {
            List<Dependency> section = sections.get(e.getKey());
            if (section == null) {
                throw new IllegalArgumentException("--bundle " + e.getKey() + ": no --maven section of that title");
            }
            sections.put(e.getKey(), check.withBundled(section, e.getValue()));
        }
        for (var e : npm.entrySet()) {
            sections.put(e.getKey(), npmDependencies(e.getValue()));
        }
        List<String> refused = new ArrayList<>();
        sections.forEach((title, deps) -> deps.stream().filter(d -> !d.approved()).forEach(d -> refused.add(
                title + ": " + d.name() + " " + d.version() + " declares " + describe(d.licences()))));
        String markdown = markdown(sections);
        if (!refused.isEmpty()) {
            System.err.println("Licence check: not OSI-approved, or not recognised (add an alias to licences/LicenceCheck.java"
                    + " only for a licence the OSI approved):");
            refused.forEach(r -> System.err.println("  " + r));
            System.exit(REFUSED);
        }
        long count = sections.values().stream().mapToLong(List::size).sum();
        if (update) {
            Files.writeString(doc, markdown, StandardCharsets.UTF_8);
            System.out.println("Licence check: " + count + " dependencies, all OSI-approved; wrote " + doc);
        } else if (!Files.exists(doc) || !Files.readString(doc, StandardCharsets.UTF_8).equals(markdown)) {
            System.err.println("Licence check: " + doc + " is not the current list; write it with"
                    + " `mvn -B verify -pl licences -am -DskipTests -Dlicences.update=true` and commit it");
            System.exit(STALE);
        } else {
            System.out.println("Licence check: " + count + " dependencies, all OSI-approved; " + doc + " is current");
        }
    }

    private static void put(Map<String, Path> into, String titleAndFile) {
        int eq = titleAndFile.lastIndexOf('=');
        into.put(titleAndFile.substring(0, eq), Path.of(titleAndFile.substring(eq + 1)));
    }

    /** The artifacts of a {@code mvn dependency:tree} output file, but Drover's own. */
    List<Dependency> mavenDependencies(Path tree) throws Exception {
        if (!Files.exists(tree)) {
            throw new IllegalStateException(tree + " is missing: run the whole build (mvn verify), which writes it");
        }
        Map<String, Dependency> found = new TreeMap<>();
        for (String line : Files.readAllLines(tree, StandardCharsets.UTF_8)) {
            Matcher m = TREE_LINE.matcher(line);
            if (!m.find() || m.group(1).startsWith("dev.drover")) {
                continue;
            }
            String group = m.group(1);
            String artifact = m.group(2);
            String version = m.group(5);
            found.computeIfAbsent(group + ":" + artifact + ":" + version,
                    k -> new Dependency(group + ":" + artifact, version, licences(group, artifact, version), true));
        }
        return List.copyOf(found.values());
    }

    /** The licences of the POM, or of its nearest parent that declares some, or from the declared-elsewhere list. */
    private List<Licence> licences(String group, String artifact, String version) {
        return declared(group + ":" + artifact, pom(group, artifact, version).orElseThrow(() -> new IllegalStateException(
                "the POM of " + group + ":" + artifact + ":" + version + " is not in " + repo + ": run the build online once")));
    }

    private List<Licence> declared(String name, Element project) {
        List<Licence> found = inPomOrParents(project);
        return !found.isEmpty() || !elsewhere.containsKey(name) ? found : List.of(elsewhere.get(name));
    }

    private Optional<Element> pom(String group, String artifact, String version) {
        Path pom = repo.resolve(group.replace('.', '/')).resolve(artifact).resolve(version)
                .resolve(artifact + "-" + version + ".pom");
        if (!Files.exists(pom)) {
            return Optional.empty();
        }
        try {
            return Optional.of(xml.parse(pom.toFile()).getDocumentElement());
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + pom + ": " + e.getMessage(), e);
        }
    }

    /** A parent POM missing from the local repository counts as declaring nothing. */
    private List<Licence> inPomOrParents(Element project) {
        List<Licence> declared = new ArrayList<>();
        child(project, "licenses").ifPresent(list -> children(list, "license").forEach(l -> {
            String name = child(l, "name").map(LicenceCheck::text).orElse("");
            String url = child(l, "url").map(LicenceCheck::text).orElse("");
            declared.add(new Licence(name.isEmpty() ? url : name, spdx(name).or(() -> spdx(url))));
        }));
        if (!declared.isEmpty()) {
            return declared;
        }
        return child(project, "parent")
                .flatMap(p -> pom(child(p, "groupId").map(LicenceCheck::text).orElseThrow(),
                        child(p, "artifactId").map(LicenceCheck::text).orElseThrow(),
                        child(p, "version").map(LicenceCheck::text).orElseThrow()))
                .map(this::inPomOrParents)
                .orElse(List.of());
    }

    static Optional<String> spdx(String declared) {
        if (declared.isBlank()) {
            return Optional.empty();
        }
        String text = declared.toLowerCase(Locale.ROOT).replaceAll("\\s+", " ").trim();
        for (String id : OSI_APPROVED) {
            if (text.equals(id.toLowerCase(Locale.ROOT)) || text.startsWith(id.toLowerCase(Locale.ROOT) + " ")) {
                return Optional.of(id);
            }
        }
        return ALIASES.stream().filter(a -> a.matches(text)).map(Alias::spdx).findFirst();
    }

    /** The packages of an npm lockfile (v2/v3), each with its SPDX expression split into terms. */
    static List<Dependency> npmDependencies(Path lockfile) throws IOException {
        String json = Files.readString(lockfile, StandardCharsets.UTF_8);
        Matcher entry = Pattern.compile("\"node_modules/([^\"]+)\"\\s*:\\s*\\{([^{}]*)\\}").matcher(json);
        List<Dependency> deps = new ArrayList<>();
        while (entry.find()) {
            String body = entry.group(2);
            String version = field(body, "version").orElse("?");
            String expression = field(body, "license").orElse("");
            boolean or = expression.contains(" OR ");
            List<Licence> terms = new ArrayList<>();
            for (String term : expression.replaceAll("[()]", "").split(" OR | AND ")) {
                if (!term.isBlank()) {
                    terms.add(new Licence(term.trim(), OSI_APPROVED.contains(term.trim()) ? Optional.of(term.trim()) : Optional.empty()));
                }
            }
            deps.add(new Dependency(entry.group(1), version, terms, or && !expression.contains(" AND ")));
        }
        deps.sort(Comparator.comparing(Dependency::name));
        return deps;
    }

    private static Optional<String> field(String jsonObjectBody, String name) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]*)\"").matcher(jsonObjectBody);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    static String markdown(Map<String, List<Dependency>> sections) {
        StringBuilder md = new StringBuilder("""
                # Licences of the runtime dependencies

                Written by `licences/LicenceCheck.java`, which `mvn verify` runs (module `licences`): it fails
                the build on a licence that is not OSI-approved or that it cannot name, and on this file
                when it is not the current list. Maven artifacts: the licences in their POMs (or their
                parents'), of which one must be approved when a POM lists several (a choice); for the
                s3proxy jar, also what it bundles beyond its dependency tree (the POMs it embeds); a licence
                no POM declares comes from `licences/declared-elsewhere.tsv`, which says where it is
                stated. npm packages: the `license` in the lockfile, an SPDX expression. Drover's own
                modules are left out.
                """);
        sections.forEach((title, deps) -> {
            md.append("\n## ").append(title).append(" (").append(deps.size()).append(")\n\n")
                    .append("| dependency | version | licence as declared | SPDX |\n|---|---|---|---|\n");
            for (Dependency d : deps) {
                md.append("| ").append(d.name()).append(" | ").append(d.version()).append(" | ")
                        .append(String.join("; ", d.licences().stream().map(Licence::declared).map(s -> s.replace("|", "/")).toList()))
                        .append(" | ")
                        .append(String.join(d.anyOf() ? " OR " : ", ",
                                d.licences().stream().map(l -> l.spdx().orElse("?")).distinct().toList()))
                        .append(" |\n");
            }
        });
        return md.toString();
    }

    private static String describe(List<Licence> licences) {
        return licences.isEmpty() ? "no licence"
                : String.join("; ", licences.stream().map(l -> "\"" + l.declared() + "\" (" + l.spdx().orElse("not recognised") + ")").toList());
    }

    private static Optional<Element> child(Element parent, String name) {
        return children(parent, name).stream().findFirst();
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                found.add(e);
            }
        }
        return found;
    }

    private static String text(Element e) {
        return e.getTextContent().replaceAll("\\s+", " ").trim();
    }
}
