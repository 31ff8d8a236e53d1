package dev.drover.amibuild;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A systemd unit file read as Key=Value lines (enough for the units here: no continuations). */
record SystemdUnit(List<String[]> entries) {

    static SystemdUnit read(Path file) throws IOException {
        List<String[]> entries = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith(";") || trimmed.startsWith("[")) {
                continue;
            }
            int eq = trimmed.indexOf('=');
            entries.add(new String[] {trimmed.substring(0, eq), trimmed.substring(eq + 1)});
        }
        return new SystemdUnit(entries);
    }

    List<String> all(String key) {
        return entries.stream().filter(e -> e[0].equals(key)).map(e -> e[1]).toList();
    }

    String one(String key) {
        List<String> values = all(key);
        if (values.size() != 1) {
            throw new AssertionError("expected one " + key + "=, found " + values);
        }
        return values.get(0);
    }

    /** A command line without systemd's prefixes ('-' ignore failure, '+' full privileges, ...). */
    static String command(String execLine) {
        return execLine.replaceFirst("^[-+!@:]+", "");
    }

    /** Every absolute path a unit's commands and environment files name. */
    List<String> paths() {
        List<String> paths = new ArrayList<>();
        for (String[] entry : entries) {
            boolean exec = entry[0].startsWith("Exec");
            if (exec || entry[0].equals("EnvironmentFile")) {
                for (String word : command(entry[1]).split("\\s+")) {
                    String path = word.replaceFirst("^-", "");
                    if (path.startsWith("/")) {
                        paths.add(path);
                    }
                }
            }
        }
        return paths;
    }
}
