package dev.drover.core.workload;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks a workload's dependency directives as it is read from its start, and groups its task
 * lines into {@link Stage}s. A name used before the line that carries it is only known to be
 * wrong (unknown, or a line below) at the end of the file, so those refusals wait for {@link #finish}.
 */
final class StageBuilder {
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private record Named(int line, int replicas, int stage) {}

    /** A name used in a directive before any line carried it. */
    private record Reference(String name, int line, String directive) {}

    private final Map<String, Named> names = new HashMap<>();
    private final List<Stage> stages = new ArrayList<>();
    private final List<Reference> unresolved = new ArrayList<>();
    /** The unnamed run that the next line may join, or null. */
    private Stage open;

    /** Checks a name given by {@code @name} before it names a line; returns the reason it is refused, or null. */
    String checkName(String name, String pending) {
        if (!NAME.matcher(name).matches() || name.equals("none")) {
            return "bad @name: '" + name + "': a name is 1 to 64 letters, digits, '-' and '_', and not 'none'";
        }
        if (pending != null) {
            return "@name " + name + ": the @name " + pending + " above has no task line yet";
        }
        Named seen = names.get(name);
        return seen == null ? null : "@name " + name + ": the name is used already, by line " + seen.line();
    }

    /** Notes the names a directive on {@code line} waits on; returns the reason one is refused now, or null. */
    String uses(List<String> used, String directive, int line, String pending) {
        for (String name : used) {
            if (name.equals(pending)) {
                return directive + " " + name + ": a line cannot wait on itself";
            }
            if (!names.containsKey(name)) {
                unresolved.add(new Reference(name, line, directive));
            }
        }
        return null;
    }

    /**
     * A task line, with its tasks from {@code firstSeq}; returns the reason it is refused, or null.
     * It joins the open run if it is unnamed and waits as that run does.
     */
    String line(int lineNo, long firstSeq, int replicas, Waits waits) {
        Named rep = waits.afterReplica() == null ? null : names.get(waits.afterReplica());
        if (rep != null && rep.replicas() != replicas) {
            return "@after-replica " + waits.afterReplica() + ": this line has " + replicas + " replica"
                    + (replicas == 1 ? "" : "s") + " but " + waits.afterReplica() + " (line " + rep.line() + ") has "
                    + rep.replicas() + ": replica counts must match";
        }
        String name = waits.pendingName();
        if (name == null && !waits.waits()) {
            open = null;
            return null;
        }
        List<Integer> after = waits.after().stream().filter(names::containsKey).map(n -> names.get(n).stage()).toList();
        int afterReplica = rep == null ? -1 : rep.stage();
        long endSeq = firstSeq + replicas;
        if (name == null && open != null && open.endSeq() == firstSeq && open.replicas() == replicas
                && open.after().equals(after) && open.anyway() == waits.anyway() && open.afterReplica() == afterReplica) {
            open = new Stage(open.index(), null, open.firstLine(), open.firstSeq(), endSeq, replicas, after, open.anyway(),
                    afterReplica);
            stages.set(open.index(), open);
            return null;
        }
        Stage stage = new Stage(stages.size(), name, lineNo, firstSeq, endSeq, replicas, after, waits.anyway(), afterReplica);
        stages.add(stage);
        open = name == null ? stage : null; // a named line is a stage of its own: others wait on it alone
        if (name != null) {
            names.put(name, new Named(lineNo, replicas, stage.index()));
        }
        return null;
    }

    /** At the end of the file: the first refusal that needed the whole file (line and reason), or null. */
    WorkloadException finish(String source, Waits waits, int lastLine) {
        if (waits.pendingName() != null) {
            return new WorkloadException(source, lastLine, "@name " + waits.pendingName() + " names no task line");
        }
        for (Reference ref : unresolved) {
            Named below = names.get(ref.name());
            return new WorkloadException(source, ref.line(), below != null
                    ? ref.directive() + " " + ref.name() + ": " + ref.name() + " is line " + below.line()
                            + ", below this one: a line may wait only on lines above it"
                    : ref.directive() + " " + ref.name() + ": unknown name (no line is named so)");
        }
        return null;
    }

    List<Stage> stages() {
        return List.copyOf(stages);
    }
}
