package dev.drover.core.workload;

import java.util.List;

/**
 * The dependency directives in force at one point of a workload: the name {@code @name} gave the
 * next task line (null: none), the lines the task lines after it wait on whole ({@code @after};
 * with {@code anyway}, {@code @after-any}: until they end, whatever their status) and the line they
 * wait on replica by replica ({@code @after-replica}; null: none).
 */
public record Waits(String pendingName, List<String> after, boolean anyway, String afterReplica) {
    public static final Waits NONE = new Waits(null, List.of(), false, null);

    public Waits {
        after = List.copyOf(after);
    }

    /** True if the task lines here wait on some other line. */
    public boolean waits() {
        return !after.isEmpty() || afterReplica != null;
    }

    Waits named(String name) {
        return new Waits(name, after, anyway, afterReplica);
    }

    Waits after(List<String> names, boolean any) {
        return new Waits(pendingName, names, any && !names.isEmpty(), afterReplica);
    }

    Waits afterReplica(String name) {
        return new Waits(pendingName, after, anyway, name);
    }
}
