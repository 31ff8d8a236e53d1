package dev.drover.core.model;

/**
 * Outputs of tasks a task waits on, which it sees under {@code $DROVER_INPUT_DIR/NAME/REPLICA/}:
 * tasks {@code firstSeq} … {@code firstSeq + count - 1} of its job, the line named {@code name},
 * replicas {@code firstReplica} … {@code firstReplica + count - 1}.
 */
public record TaskInput(String name, long firstSeq, int count, int firstReplica) {}
