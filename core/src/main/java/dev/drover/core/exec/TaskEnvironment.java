package dev.drover.core.exec;

import dev.drover.core.EnvironmentVariables;
import dev.drover.core.model.Task;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * What a shell task's process sees: never the worker's own environment (its AWS credentials,
 * endpoints, queue and table names), only
 * <ul>
 *   <li>a small base: {@code PATH} and {@code LANG} (the worker's, else {@value #DEFAULT_PATH} and
 *       {@value #DEFAULT_LANG}), {@code USER} if the worker has one, {@code HOME} the task's working
 *       directory and {@code TMPDIR} a fresh directory of the task's own;</li>
 *   <li>the {@code DROVER_*} variables that describe the task: job, task id, attempt, replica and
 *       output directory;</li>
 *   <li>what the workload's {@code @env} directives set (a null value unsets a base variable).</li>
 * </ul>
 */
public final class TaskEnvironment {
    public static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";
    public static final String DEFAULT_LANG = "C.UTF-8";

    private final Map<String, String> base;

    private TaskEnvironment(Map<String, String> base) {
        this.base = Map.copyOf(base);
    }

    /** The base taken from the worker's own environment: only PATH, LANG and USER are read from it. */
    public static TaskEnvironment fromWorker(Map<String, String> workerEnv) {
        Map<String, String> base = new HashMap<>();
        base.put("PATH", workerEnv.getOrDefault("PATH", DEFAULT_PATH));
        base.put("LANG", workerEnv.getOrDefault("LANG", DEFAULT_LANG));
        if (workerEnv.containsKey("USER")) {
            base.put("USER", workerEnv.get("USER"));
        }
        return new TaskEnvironment(base);
    }

    /** The whole environment of one run of the task. */
    public Map<String, String> of(String jobId, Task task, Path workDir, Path tmpDir, Path outputDir) {
        return of(jobId, task, workDir, tmpDir, outputDir, null);
    }

    /** The same, for a task that waits on others: their outputs are under {@code inputDir} (null: none). */
    public Map<String, String> of(String jobId, Task task, Path workDir, Path tmpDir, Path outputDir, Path inputDir) {
        Map<String, String> env = new HashMap<>(base);
        env.put("HOME", workDir.toString());
        env.put("TMPDIR", tmpDir.toString());
        env.put(EnvironmentVariables.JOB_ID, jobId);
        env.put(EnvironmentVariables.TASK_ID, Task.id(jobId, task.seq()));
        env.put(EnvironmentVariables.ATTEMPT, Integer.toString(task.attempt()));
        env.put(EnvironmentVariables.REPLICA, Integer.toString(task.replica()));
        env.put(EnvironmentVariables.OUTPUT_DIR, outputDir.toString());
        if (inputDir != null) {
            env.put(EnvironmentVariables.INPUT_DIR, inputDir.toString());
        }
        task.env().forEach((name, value) -> {
            if (name.startsWith("DROVER_")) {
                return; // the reader refuses these; a hand-made bundle cannot override them either
            }
            if (value == null) {
                env.remove(name);
            } else {
                env.put(name, value);
            }
        });
        return env;
    }
}
