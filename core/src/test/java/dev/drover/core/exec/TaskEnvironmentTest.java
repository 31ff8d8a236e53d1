package dev.drover.core.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.EnvironmentVariables;
import dev.drover.core.model.Task;
import dev.drover.core.model.TaskStatus;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A task sees a small documented base, its DROVER_* description and its @env: never the worker's own environment. */
class TaskEnvironmentTest {
    @TempDir
    Path scratch;

    /** A worker's environment as deployed: credentials, endpoints, resource names, settings. */
    private static Map<String, String> workerEnvironment() {
        Map<String, String> env = new HashMap<>();
        EnvironmentVariables.READ_BY_WORKER.forEach(name -> env.put(name, "worker-secret-" + name));
        env.put("AWS_SESSION_TOKEN", "worker-secret-token");
        env.put("PATH", "/usr/bin:/bin");
        env.put("LANG", "en_GB.UTF-8");
        env.put("USER", "drover");
        env.put("HOME", "/home/drover");
        env.put("SOMETHING_ELSE", "worker-secret-other");
        return env;
    }

    private Map<String, String> envOf(Task task) {
        ShellExecutor shell = new ShellExecutor(scratch, 1 << 20, 1 << 24, TaskEnvironment.fromWorker(workerEnvironment()),
                Workspace.NONE);
        Outcome out = shell.run("j1", task, () -> false);
        assertEquals(TaskStatus.SUCCEEDED, out.status(), out.stderr());
        return Arrays.stream(out.stdout().split("\0")).filter(s -> s.contains("="))
                .collect(Collectors.toMap(s -> s.substring(0, s.indexOf('=')), s -> s.substring(s.indexOf('=') + 1),
                        (a, b) -> b, TreeMap::new));
    }

    @Test
    void aTaskSeesOnlyTheBaseItsDescriptionAndItsEnv() {
        Map<String, String> set = new LinkedHashMap<>();
        set.put("GREETING", "hello world");
        set.put("LANG", "C");
        Map<String, String> env = envOf(new Task(7, 3, "env -0", 20_000, 2, 3, 4, set, null));
        env.remove("PWD"); // the shell's own
        env.remove("SHLVL");
        env.remove("_");
        assertEquals(Set.of("PATH", "HOME", "LANG", "TMPDIR", "USER", "GREETING", "DROVER_JOB_ID", "DROVER_TASK_ID",
                "DROVER_ATTEMPT", "DROVER_REPLICA", "DROVER_OUTPUT_DIR"), env.keySet(), env.toString());
        assertEquals("/usr/bin:/bin", env.get("PATH"));
        assertEquals("C", env.get("LANG"), "@env overrides the base");
        assertEquals("drover", env.get("USER"));
        assertEquals("hello world", env.get("GREETING"));
        assertEquals("j1", env.get("DROVER_JOB_ID"));
        assertEquals("j1/7", env.get("DROVER_TASK_ID"));
        assertEquals("2", env.get("DROVER_ATTEMPT"));
        assertEquals("4", env.get("DROVER_REPLICA"));
        assertTrue(env.get("HOME").startsWith(scratch.toString()), "HOME is the task's own directory: " + env.get("HOME"));
        assertTrue(env.get("TMPDIR").startsWith(scratch.toString()));
        assertTrue(env.get("DROVER_OUTPUT_DIR").startsWith(scratch.toString()));
        assertFalse(env.values().stream().anyMatch(v -> v.contains("worker-secret")), "nothing of the worker's: " + env);
        assertFalse(env.keySet().stream().anyMatch(k -> k.startsWith("AWS_")), env.toString());
    }

    @Test
    void anEnvWithNoValueUnsetsABaseVariableAndDroverNamesCannotBeOverridden() {
        Map<String, String> set = new HashMap<>();
        set.put("USER", null);
        set.put("DROVER_JOB_ID", "forged");
        Map<String, String> env = envOf(new Task(0, 1, "env -0", 20_000, 1, 1, 0, set, null));
        assertFalse(env.containsKey("USER"));
        assertEquals("j1", env.get("DROVER_JOB_ID"));
        assertEquals("0", env.get("DROVER_REPLICA"));
    }

    @Test
    void withoutPathOrLangOnTheWorkerTheDefaultsApply() {
        TaskEnvironment base = TaskEnvironment.fromWorker(Map.of("AWS_SECRET_ACCESS_KEY", "x"));
        Map<String, String> env = base.of("j", new Task(0, 1, "true", 0, 1, 1), Path.of("/w"), Path.of("/t"), Path.of("/o"));
        assertEquals(TaskEnvironment.DEFAULT_PATH, env.get("PATH"));
        assertEquals(TaskEnvironment.DEFAULT_LANG, env.get("LANG"));
        assertFalse(env.containsKey("USER"));
        assertFalse(env.containsKey("AWS_SECRET_ACCESS_KEY"));
    }
}
