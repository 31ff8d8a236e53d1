package dev.drover.core.files;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The entries of one archive as they are read, each checked against the ones before it, without
 * touching the disk: what lands where is decided here, so an unpacker only creates what this tree
 * accepted, and the scheduler can check an upload without unpacking it.
 *
 * <p>Refused, as {@code SHOWN: ENTRY: reason}: an absolute name, a {@code ..} segment, a NUL; an
 * entry under a symlink or a file of the archive (so nothing is ever written through a link); a
 * name given twice (except a directory again); a hard link that names anything but a file
 * already in the archive; a symlink that is absolute or that, resolved the way the kernel would
 * (through the archive's other symlinks, {@code ..} on the real parent), leaves the root; more
 * than {@link Limits#entries} entries or {@link Limits#bytes} bytes of files.
 *
 * <p>An unpacker creates directories and files as entries come, and symlinks only after the last
 * entry and {@link #checkSymlinks}: while anything is written, the tree holds no symlink at all.
 */
final class PackTree {
    /** As deep as Linux follows symlinks in one lookup ({@code MAXSYMLINKS}). */
    static final int MAX_LINK_HOPS = 40;
    /** What resolving every symlink may cost at most, in names looked up: a bound on the check's time. */
    static final long MAX_RESOLVE_STEPS = 10_000_000;
    private static final int MAX_NAME_BYTES = 255;
    private static final int MAX_PATH_BYTES = 4095;

    /**
     * What one pack may hold unpacked: its files' total size and its entries (files, directories,
     * links, and the parent directories they imply); {@code setting}, if not null, names what changes the size limit.
     */
    record Limits(long bytes, long entries, String setting) {}

    enum Kind {
        DIRECTORY("directory"), FILE("file"), SYMLINK("symlink");

        final String word;

        Kind(String word) {
            this.word = word;
        }
    }

    /** One entry; a directory also knows its children by name, so a symlink resolves in a step per name. */
    private record Node(Kind kind, long size, String target, Map<String, Node> children) {
        Node(Kind kind, long size, String target) {
            this(kind, size, target, kind == Kind.DIRECTORY ? new HashMap<>() : null);
        }
    }

    /** A symlink to create once every other entry is in place. */
    record Symlink(String path, String target) {}

    private final String shown;
    private final Limits limits;
    private final Node root = new Node(Kind.DIRECTORY, 0, null);
    private long steps;
    private long entries;
    private final List<Symlink> symlinks = new ArrayList<>();
    private long bytes;

    PackTree(String shown, Limits limits) {
        this.shown = shown;
        this.limits = limits;
    }

    /** A directory entry; returns its clean path ({@code ""} for the root itself). */
    String directory(String name) throws FilesException {
        String path = clean(name);
        if (path.isEmpty()) {
            return path;
        }
        String[] names = path.split("/");
        Node parent = parents(name, names);
        Node old = parent.children().get(names[names.length - 1]);
        if (old == null) {
            add(name, parent, names[names.length - 1], new Node(Kind.DIRECTORY, 0, null));
        } else if (old.kind != Kind.DIRECTORY) {
            throw refused(name, "named twice (a " + old.kind.word + " before)");
        }
        return path;
    }

    /** A regular file of {@code size} bytes (0 if not known yet: then {@link #grow} counts them). */
    String file(String name, long size) throws FilesException {
        Place place = fresh(name);
        grow(name, size);
        add(name, place.parent(), place.name(), new Node(Kind.FILE, size, null));
        return place.path();
    }

    /** Counts {@code n} more bytes of a file's contents against the limit. */
    void grow(String name, long n) throws FilesException {
        if (n < 0 || (bytes += n) > limits.bytes()) {
            throw overLimit(name);
        }
    }

    FilesException overLimit(String name) {
        return new FilesException(shown + ": " + name + ": over the size limit of " + limits.bytes() + " bytes"
                + (limits.setting() == null ? "" : " (" + limits.setting() + " changes it)"));
    }

    /** The bytes a further file may hold before the limit. */
    long room() {
        return limits.bytes() - bytes;
    }

    /** A hard link at {@code path} to the file at {@code from}, both clean paths. */
    record HardLink(String path, String from) {}

    /** A hard link, which becomes a copy of the file it names. */
    HardLink hardLink(String name, String target) throws FilesException {
        String from;
        try {
            from = clean(target);
        } catch (FilesException e) {
            throw refused(name, "a hard link to a path outside the archive (" + target + ")");
        }
        Node file = lookup(from);
        if (file == null || file.kind != Kind.FILE) {
            throw refused(name, "a hard link to " + target + ", which is no file earlier in the archive");
        }
        return new HardLink(file(name, file.size), from);
    }

    /** A symlink, created later ({@link #symlinks}), once {@link #checkSymlinks} has passed. */
    String symlink(String name, String target) throws FilesException {
        Place place = fresh(name);
        String path = place.path();
        if (target == null || target.isEmpty()) {
            throw refused(name, "a symlink to nothing");
        }
        if (target.indexOf('\0') >= 0 || target.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
            throw refused(name, "a symlink target the file system cannot hold");
        }
        if (target.startsWith("/")) {
            throw refused(name, "a symlink that points outside the pack (to " + target + ")");
        }
        add(name, place.parent(), place.name(), new Node(Kind.SYMLINK, 0, target));
        symlinks.add(new Symlink(path, target));
        return path;
    }

    /** Every symlink must resolve inside the root, through the others, in at most {@link #MAX_LINK_HOPS} links. */
    void checkSymlinks() throws FilesException {
        for (Symlink s : symlinks) {
            if (!resolvesInside(s)) {
                throw refused(s.path(), "a symlink that points outside the pack (to " + s.target() + ")");
            }
        }
    }

    List<Symlink> symlinks() {
        return symlinks;
    }

    long bytes() {
        return bytes;
    }

    /**
     * Walks the target as the kernel would from the link's parent: a symlink of the tree is replaced by
     * its own target, {@code ..} climbs the real path. Past a missing name (or a file) the rest can only
     * dangle, and is still followed as text so that no {@code ..} climbs out.
     */
    private boolean resolvesInside(Symlink link) throws FilesException {
        Deque<Node> at = new ArrayDeque<>(); // the directories from the root down, the root itself left out
        String[] parents = link.path().split("/");
        for (int i = 0; i < parents.length - 1; i++) {
            at.addLast((at.isEmpty() ? root : at.peekLast()).children().get(parents[i]));
        }
        Deque<String> todo = new ArrayDeque<>(Arrays.asList(link.target().split("/")));
        int dangling = 0; // names walked past the first missing one
        int hops = 0;
        while (!todo.isEmpty()) {
            if (++steps > MAX_RESOLVE_STEPS) {
                throw refused(link.path(), "symlinks that take over " + MAX_RESOLVE_STEPS + " steps to resolve, all together");
            }
            String c = todo.pollFirst();
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                if (dangling > 0) {
                    dangling--;
                } else if (at.pollLast() == null) {
                    return false;
                }
                continue;
            }
            Node dir = at.isEmpty() ? root : at.peekLast();
            Node n = dangling > 0 || dir.kind() != Kind.DIRECTORY ? null : dir.children().get(c);
            if (n == null || n.kind() == Kind.FILE && !todo.isEmpty()) {
                dangling++;
            } else if (n.kind() == Kind.SYMLINK) {
                if (++hops > MAX_LINK_HOPS) {
                    throw refused(link.path(), "a symlink loop, or a chain of over " + MAX_LINK_HOPS + " symlinks");
                }
                String[] target = n.target().split("/");
                for (int i = target.length - 1; i >= 0; i--) {
                    todo.addFirst(target[i]);
                }
            } else {
                at.addLast(n);
            }
        }
        return true;
    }

    /** The entry at a clean path, or null. */
    private Node lookup(String path) {
        Node n = root;
        for (String name : path.isEmpty() ? new String[0] : path.split("/")) {
            n = n.children() == null ? null : n.children().get(name);
            if (n == null) {
                return null;
            }
        }
        return n;
    }

    /** Where a new entry goes: its clean path, the directory it goes in, its name there. */
    private record Place(String path, Node parent, String name) {}

    /** A name not taken yet, under directories only. */
    private Place fresh(String name) throws FilesException {
        String path = clean(name);
        if (path.isEmpty()) {
            throw refused(name, "names the pack's root as a file or link");
        }
        String[] names = path.split("/");
        Node parent = parents(name, names);
        Node old = parent.children().get(names[names.length - 1]);
        if (old != null) {
            throw refused(name, "named twice (a " + old.kind.word + " before)");
        }
        return new Place(path, parent, names[names.length - 1]);
    }

    /**
     * Every parent must be a directory of the archive (one it names or implies), never a link or a
     * file; returns the last one. A step per name, so a deep path costs what it is long.
     */
    private Node parents(String name, String[] names) throws FilesException {
        Node dir = root;
        for (int i = 0; i < names.length - 1; i++) {
            Node n = dir.children().get(names[i]);
            if (n == null) {
                n = new Node(Kind.DIRECTORY, 0, null);
                add(name, dir, names[i], n);
            } else if (n.kind != Kind.DIRECTORY) {
                throw refused(name, "under the " + n.kind.word + " " + String.join("/", Arrays.copyOf(names, i + 1)));
            }
            dir = n;
        }
        return dir;
    }

    private void add(String name, Node parent, String child, Node node) throws FilesException {
        if (entries >= limits.entries()) {
            throw refused(name, "over the limit of " + limits.entries() + " entries");
        }
        entries++;
        parent.children().put(child, node);
    }

    /**
     * An entry's path relative to the root, segments joined by {@code /}: a backslash separates too
     * (archives made on Windows), empty and {@code .} segments go; absolute, {@code ..} and NUL are refused.
     */
    private String clean(String name) throws FilesException {
        if (name == null || name.indexOf('\0') >= 0) {
            throw refused(String.valueOf(name).replace('\0', '?'), "a NUL in its name");
        }
        String n = name.replace('\\', '/');
        if (n.startsWith("/")) {
            throw refused(name, "an absolute path");
        }
        StringBuilder path = new StringBuilder();
        for (String segment : n.split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                throw refused(name, "a '..' in its path");
            }
            if (segment.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
                throw refused(name, "a name over " + MAX_NAME_BYTES + " bytes");
            }
            if (path.length() > 0) {
                path.append('/');
            }
            path.append(segment);
        }
        if (path.toString().getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
            throw refused(name, "a path over " + MAX_PATH_BYTES + " bytes");
        }
        return path.toString();
    }

    FilesException refused(String entry, String reason) {
        return new FilesException(shown + ": " + entry + ": " + reason);
    }
}
