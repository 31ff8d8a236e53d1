package dev.drover.bench.suite;

import dev.drover.bench.suite.Row.Keys;
import dev.drover.core.codec.Json;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/** Everything one run measured, and its renderings: Markdown, CSV, JSON. */
final class Report {
    final Plan plan;
    final Map<String, Object> machine;
    final String startedAt;
    final List<Row> rows = new ArrayList<>();
    final List<String> notes = new ArrayList<>();
    final List<String> failures = new ArrayList<>();
    String remote = "not run";
    double durationSeconds;

    /** A target from the issues, checked against what this run measured. */
    record Target(String name, String goal, double measured, String unit, boolean met) {}

    Report(Plan plan, Map<String, Object> machine, String startedAt) {
        this.plan = plan;
        this.machine = machine;
        this.startedAt = startedAt;
    }

    int maxWorkers() {
        return plan.throughputWorkers().stream().mapToInt(Integer::intValue).max().orElse(1);
    }

    List<Row> rows(String section, String backend) {
        return rows.stream().filter(r -> r.section.equals(section) && r.backend.equals(backend)).toList();
    }

    Optional<Row> find(String section, String backend, Predicate<Row> p) {
        return rows(section, backend).stream().filter(p).findFirst();
    }

    private Optional<Row> best(String section, String backend, String key) {
        return rows(section, backend).stream().max((a, b) -> Double.compare(a.get(key), b.get(key)));
    }

    /** After the run: the raw baseline's rate and Drover's ratio to it, beside each remote throughput case. */
    void linkBaselines() {
        for (Row r : rows("throughput", "remote")) {
            find("raw", "raw", raw -> raw.workers() == r.workers()).ifPresent(raw -> {
                double rate = raw.get(Keys.RAW_MESSAGES_PER_SECOND);
                r.put(Keys.RAW_MESSAGES_PER_SECOND, rate).put(Keys.RATIO_TO_RAW, r.get(Keys.TASKS_PER_SECOND) / rate);
            });
        }
    }

    /** The headline figures, under stable keys. */
    Map<String, Object> summary() {
        Map<String, Object> s = new LinkedHashMap<>();
        int top = maxWorkers();
        best("throughput", "pool", Keys.TASKS_PER_SECOND).ifPresent(r -> {
            s.put("poolTasksPerSecond", r.get(Keys.TASKS_PER_SECOND));
            s.put("poolBestWorkers", r.workers());
        });
        best("throughput", "http", Keys.TASKS_PER_SECOND).ifPresent(r -> {
            s.put("httpTasksPerSecond", r.get(Keys.TASKS_PER_SECOND));
            s.put("httpBestWorkers", r.workers());
        });
        find("throughput", "remote", r -> r.workers() == top).ifPresent(r -> {
            s.put("remoteWorkers", top);
            s.put(Keys.REMOTE_TASKS_PER_SECOND, r.get(Keys.TASKS_PER_SECOND));
            if (r.has(Keys.RAW_MESSAGES_PER_SECOND)) {
                s.put(Keys.RAW_MESSAGES_PER_SECOND, r.get(Keys.RAW_MESSAGES_PER_SECOND));
                s.put(Keys.RATIO_TO_RAW, r.get(Keys.RATIO_TO_RAW));
            }
            s.put(Keys.SQS_REQUESTS_PER_TASK, r.get(Keys.SQS_REQUESTS_PER_TASK));
            s.put(Keys.DYNAMO_WRITES_PER_TASK, r.get(Keys.DYNAMO_WRITES_PER_TASK));
            s.put(Keys.COST_PER_MILLION_TASKS_USD, r.get(Keys.COST_PER_MILLION_TASKS_USD));
        });
        rows("naive", "naive").stream().findFirst().ifPresent(n -> {
            s.put("naiveTasksPerSecond", n.get(Keys.TASKS_PER_SECOND));
            s.put("naiveSqsRequestsPerTask", n.get(Keys.SQS_REQUESTS_PER_TASK));
            s.put("naiveDynamoWritesPerTask", n.get(Keys.DYNAMO_WRITES_PER_TASK));
            s.put("naiveCostPerMillionTasksUsd", n.get(Keys.COST_PER_MILLION_TASKS_USD));
            find("throughput", "remote", r -> r.workers() == n.workers())
                    .ifPresent(r -> s.put("ratioToNaive", r.get(Keys.TASKS_PER_SECOND) / n.get(Keys.TASKS_PER_SECOND)));
        });
        rows("elastic", "remote").stream().findFirst().ifPresent(e ->
                s.put("elasticSecondsToFullFleet", e.get(Keys.SECONDS_TO_FULL_FLEET_RUNNING)));
        return s;
    }

    List<Target> targets() {
        List<Target> t = new ArrayList<>();
        int top = maxWorkers();
        best("throughput", "pool", Keys.TASKS_PER_SECOND).ifPresent(r -> t.add(new Target(
                "in-JVM pool, sleep 0 (best of " + plan.throughputWorkers() + " workers: " + r.workers() + ")",
                "≥ 100,000 tasks/s", r.get(Keys.TASKS_PER_SECOND), "tasks/s", r.get(Keys.TASKS_PER_SECOND) >= 100_000)));
        best("throughput", "http", Keys.TASKS_PER_SECOND).ifPresent(r -> t.add(new Target(
                "in-JVM end to end over HTTP (best: " + r.workers() + " workers)",
                "≥ 20,000 tasks/s", r.get(Keys.TASKS_PER_SECOND), "tasks/s", r.get(Keys.TASKS_PER_SECOND) >= 20_000)));
        efficiencyTarget(t, "pool", 10, top, 0.97);
        find("throughput", "remote", r -> r.workers() == top && r.has(Keys.RATIO_TO_RAW)).ifPresent(r -> t.add(new Target(
                "local AWS, " + top + " threads: Drover ÷ raw loop", "≥ 2×", r.get(Keys.RATIO_TO_RAW), "×",
                r.get(Keys.RATIO_TO_RAW) >= 2)));
        efficiencyTarget(t, "remote", 10, top, 0.90);
        efficiencyTarget(t, "remote", 1000, top, 0.99);
        closeToTheLimit(t, top);
        return t;
    }

    /** Issue 24's targets, on the local AWS rows at the top thread count. */
    private void closeToTheLimit(List<Target> t, int top) {
        find("throughput", "remote", r -> r.workers() == top).ifPresent(r -> {
            t.add(new Target("local AWS, " + top + " threads, sleep 0", "≥ 30,000 tasks/s", r.get(Keys.TASKS_PER_SECOND),
                    "tasks/s", r.get(Keys.TASKS_PER_SECOND) >= 30_000));
            if (r.has(Keys.RATIO_TO_RAW)) {
                t.add(new Target("local AWS, " + top + " threads: Drover ÷ raw loop (issue 24)", "≥ 4×",
                        r.get(Keys.RATIO_TO_RAW), "×", r.get(Keys.RATIO_TO_RAW) >= 4));
            }
            if (r.has(Keys.SCHEDULER_CPU_MICROS_PER_TASK)) {
                t.add(new Target("scheduler CPU per task, local AWS sleep 0, " + top + " threads", "≤ 5 µs",
                        r.get(Keys.SCHEDULER_CPU_MICROS_PER_TASK), " µs", r.get(Keys.SCHEDULER_CPU_MICROS_PER_TASK) <= 5));
            }
        });
        // a short job's fixed overhead: the 10 ms series, whose collection keeps up (sleep 0's tail is its backlog)
        find("efficiency", "remote", r -> r.workers() == top && r.get(Keys.TASK_MILLIS) == 10 && r.has(Keys.JOB_OVERHEAD_SECONDS))
                .ifPresent(r -> t.add(new Target("job overhead (submit → first start + last end → last result), "
                        + (int) r.get(Keys.TASKS_PER_WORKER) + " × sleep 10, " + top + " threads", "≤ 100 ms",
                        r.get(Keys.JOB_OVERHEAD_SECONDS) * 1000, " ms", r.get(Keys.JOB_OVERHEAD_SECONDS) <= 0.1)));
        for (Row r : rows("throughput", "remote")) {
            double worst = Math.max(r.get(Keys.SQS_REQUESTS_PER_TASK), r.get(Keys.DYNAMO_WRITES_PER_TASK));
            t.add(new Target("SQS requests and DynamoDB writes per task, sleep 0, " + r.workers() + " threads",
                    "≤ 0.01", worst, "", worst <= 0.01));
        }
        for (Row r : rows("efficiency", "remote")) {
            int millis = (int) r.get(Keys.TASK_MILLIS);
            double job = r.get(Keys.TASKS_PER_WORKER) * millis / 1000.0;
            double goal = millis >= 1000 ? 0.995 : job >= 10 ? 0.98 : r.workers() == 1 ? 0.98 : r.workers() >= 16 ? 0.90 : Double.NaN;
            if (!Double.isNaN(goal)) {
                t.add(new Target("local AWS, " + (int) r.get(Keys.TASKS_PER_WORKER) + " × sleep " + millis + ", "
                        + r.workers() + " threads (issue 24)", String.format(Locale.ROOT, "≥ %.1f %%", goal * 100),
                        r.get(Keys.EFFICIENCY) * 100, "%", r.get(Keys.EFFICIENCY) >= goal));
            }
        }
    }

    private void efficiencyTarget(List<Target> t, String backend, int millis, int workers, double goal) {
        find("efficiency", backend, r -> r.workers() == workers && r.get(Keys.TASK_MILLIS) == millis).ifPresent(r -> t.add(
                new Target((backend.equals("pool") ? "in-JVM pool" : "local AWS") + ", " + (int) r.get(Keys.TASKS_PER_WORKER)
                        + " × sleep " + millis + " per worker, " + workers + " workers",
                        String.format(Locale.ROOT, "≥ %.0f %%", goal * 100), r.get(Keys.EFFICIENCY) * 100, "%",
                        r.get(Keys.EFFICIENCY) >= goal)));
    }

    // ---- Markdown ----

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("## Drover bench (").append(plan.name()).append(") — ").append(startedAt).append('\n');
        md.append('\n').append(String.format(Locale.ROOT, "Machine: %s cores, %s GiB, Java %s (%s), %s. Run took %.0f s.%n",
                machine.get("cores"), machine.get("memoryGiB"), machine.get("java"), machine.get("vm"), machine.get("os"),
                durationSeconds));
        md.append("Remote cases: ").append(remote).append(".\n");
        int top = maxWorkers();

        md.append("\n### Throughput: ").append(fmt(plan.throughputTasks())).append(" × `sleep 0`, tasks/s\n\n");
        md.append("| workers | in-JVM pool | in-JVM over HTTP | local AWS (processes × threads) | raw SQS loop, msg/s | ratio to raw"
                + " | SQS req/task | DynamoDB writes/task | $ per 1M tasks |\n");
        md.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (int w : plan.throughputWorkers()) {
            Optional<Row> remote = find("throughput", "remote", r -> r.workers() == w);
            md.append("| ").append(w)
                    .append(" | ").append(cell("throughput", "pool", w, Keys.TASKS_PER_SECOND))
                    .append(" | ").append(cell("throughput", "http", w, Keys.TASKS_PER_SECOND))
                    .append(" | ").append(remote.map(r -> fmt(r.get(Keys.TASKS_PER_SECOND)) + " ("
                            + (int) r.get(Keys.PROCESSES) + "×" + (int) r.get(Keys.THREADS_PER_PROCESS) + ")").orElse("–"))
                    .append(" | ").append(cell("raw", "raw", w, Keys.RAW_MESSAGES_PER_SECOND))
                    .append(" | ").append(remote.filter(r -> r.has(Keys.RATIO_TO_RAW))
                            .map(r -> String.format(Locale.ROOT, "%.2f×", r.get(Keys.RATIO_TO_RAW))).orElse("–"))
                    .append(" | ").append(remote.map(r -> dec(r.get(Keys.SQS_REQUESTS_PER_TASK), 4)).orElse("–"))
                    .append(" | ").append(remote.map(r -> dec(r.get(Keys.DYNAMO_WRITES_PER_TASK), 4)).orElse("–"))
                    .append(" | ").append(remote.map(r -> "$" + dec(r.get(Keys.COST_PER_MILLION_TASKS_USD), 3)).orElse("–"))
                    .append(" |\n");
        }

        List<Row> remoteRows = rows("throughput", "remote").stream().filter(r -> r.has(Keys.LAST_FINISHED_SECONDS)).toList();
        if (!remoteRows.isEmpty()) {
            md.append("\n### Where the time goes, local AWS `sleep 0` (seconds after the submit call)\n\n");
            md.append("| threads | last bundle queued | first task started | last task finished | last result collected |\n");
            md.append("|---:|---:|---:|---:|---:|\n");
            for (Row r : remoteRows) {
                md.append("| ").append(r.workers()).append(" | ").append(dec(r.get(Keys.LAST_QUEUED_SECONDS), 3))
                        .append(" | ").append(dec(r.get(Keys.FIRST_STARTED_SECONDS), 3))
                        .append(" | ").append(dec(r.get(Keys.LAST_FINISHED_SECONDS), 3))
                        .append(" | ").append(dec(r.get(Keys.WALL_SECONDS), 3)).append(" |\n");
            }
        }

        List<Row> cpuRows = rows("throughput", "remote").stream().filter(r -> r.has(Keys.SCHEDULER_CPU_MICROS_PER_TASK)).toList();
        if (!cpuRows.isEmpty()) {
            md.append("\n### Scheduler CPU per task, local AWS `sleep 0` (µs of thread CPU ÷ tasks; job overhead in ms)\n\n");
            md.append("| threads | all | intake | plan | seal | send | collect | record | serve | other | job overhead | of it: start | tail |\n");
            md.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (Row r : cpuRows) {
                md.append("| ").append(r.workers()).append(" | ").append(dec(r.get(Keys.SCHEDULER_CPU_MICROS_PER_TASK), 1));
                for (SchedulerCpu.Stage s : SchedulerCpu.Stage.values()) {
                    md.append(" | ").append(dec(r.get(Keys.cpuMicrosPerTask(s)), 1));
                }
                md.append(" | ").append(dec(r.get(Keys.JOB_OVERHEAD_SECONDS) * 1000, 0))
                        .append(" | ").append(dec(r.get(Keys.START_OVERHEAD_SECONDS) * 1000, 0))
                        .append(" | ").append(dec(r.get(Keys.TAIL_OVERHEAD_SECONDS) * 1000, 0)).append(" |\n");
            }
            rows("efficiency", "remote").stream().filter(r -> r.has(Keys.JOB_OVERHEAD_SECONDS)).forEach(r -> md.append(
                    String.format(Locale.ROOT, "%nJob overhead, %d × `sleep %d` on %d threads: %.0f ms (submit → first task"
                                    + " started %.0f ms, of it %.0f ms to the first bundle queued; last task ended → last result"
                                    + " %.0f ms).%n", (int) r.get(Keys.TASKS_PER_WORKER),
                            (int) r.get(Keys.TASK_MILLIS), r.workers(), r.get(Keys.JOB_OVERHEAD_SECONDS) * 1000,
                            r.get(Keys.START_OVERHEAD_SECONDS) * 1000, r.get(Keys.FIRST_QUEUED_SECONDS) * 1000,
                            r.get(Keys.TAIL_OVERHEAD_SECONDS) * 1000)));
            rows("throughput", "http").stream().filter(r -> r.has(Keys.CLIENT_CPU_MICROS_PER_TASK)).forEach(r -> md.append(
                    String.format(Locale.ROOT, "%nThe follow client, apart (`drover submit --wait -q` over HTTP, in-JVM pool, %d workers):"
                            + " %.1f µs of its thread's CPU per task.%n", r.workers(), r.get(Keys.CLIENT_CPU_MICROS_PER_TASK))));
        }

        md.append("\n### Efficiency: (tasks per worker × task time) ÷ wall time from submission to last result\n\n");
        md.append("| tasks per worker | workers | in-JVM pool | local AWS (processes × threads) | ideal s | pool wall s | remote wall s |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|\n");
        for (Plan.Efficiency e : plan.efficiency()) {
            for (int w : e.workers()) {
                Predicate<Row> match = r -> r.workers() == w && r.get(Keys.TASK_MILLIS) == e.taskMillis()
                        && r.get(Keys.TASKS_PER_WORKER) == e.tasksPerWorker();
                Optional<Row> pool = find("efficiency", "pool", match);
                Optional<Row> remote = find("efficiency", "remote", match);
                md.append("| ").append(fmt(e.tasksPerWorker())).append(" × `sleep ").append(e.taskMillis()).append("` | ").append(w)
                        .append(" | ").append(pool.map(r -> pct(r.get(Keys.EFFICIENCY))).orElse("–"))
                        .append(" | ").append(remote.map(r -> pct(r.get(Keys.EFFICIENCY)) + " (" + (int) r.get(Keys.PROCESSES)
                                + "×" + (int) r.get(Keys.THREADS_PER_PROCESS) + ")").orElse("–"))
                        .append(" | ").append(dec(e.idealSeconds(), 2))
                        .append(" | ").append(pool.map(r -> dec(r.get(Keys.WALL_SECONDS), 2)).orElse("–"))
                        .append(" | ").append(remote.map(r -> dec(r.get(Keys.WALL_SECONDS), 2)).orElse("–"))
                        .append(" |\n");
            }
        }

        List<Row> split = rows("efficiency", "remote").stream().filter(r -> r.has(Keys.SPLIT_GAPS_SECONDS)).toList();
        if (!split.isEmpty()) {
            md.append("\n### Where a local AWS job's wall time goes beyond the ideal (ms a thread)\n\n");
            md.append("Start: submit → first task; stagger: workers that began later; gaps: a worker's threads idle inside its"
                    + " span; overrun: tasks' run time beyond what they ask; imbalance: workers that ran out first; tail: last"
                    + " task ended → last result. They add up to wall − ideal.\n\n");
            md.append("| tasks per worker | threads | start | stagger | gaps | overrun | imbalance | tail | wall − ideal |\n");
            md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (Row r : split) {
                md.append("| ").append(fmt(r.get(Keys.TASKS_PER_WORKER))).append(" × `sleep ").append((int) r.get(Keys.TASK_MILLIS))
                        .append("` | ").append(r.workers());
                for (String k : List.of(Keys.SPLIT_START_SECONDS, Keys.SPLIT_STAGGER_SECONDS, Keys.SPLIT_GAPS_SECONDS,
                        Keys.SPLIT_OVERRUN_SECONDS, Keys.SPLIT_IMBALANCE_SECONDS, Keys.SPLIT_TAIL_SECONDS)) {
                    md.append(" | ").append(dec(r.get(k) * 1000, 1));
                }
                md.append(" | ").append(dec((r.get(Keys.WALL_SECONDS) - r.get(Keys.IDEAL_SECONDS)) * 1000, 1)).append(" |\n");
            }
        }

        List<Row> naive = rows("naive", "naive");
        Optional<Row> remoteTop = find("throughput", "remote", r -> r.workers() == top);
        if (!naive.isEmpty() || remoteTop.isPresent()) {
            md.append("\n### Baselines on the same emulators\n\n");
            md.append("| design | threads | tasks/s | SQS req/task | DynamoDB writes/task | $ per 1M tasks (requests) |\n");
            md.append("|---|---:|---:|---:|---:|---:|\n");
            remoteTop.ifPresent(r -> md.append("| Drover (bundles, batches of 10) | ").append(top).append(" | ")
                    .append(fmt(r.get(Keys.TASKS_PER_SECOND))).append(" | ").append(dec(r.get(Keys.SQS_REQUESTS_PER_TASK), 4))
                    .append(" | ").append(dec(r.get(Keys.DYNAMO_WRITES_PER_TASK), 4)).append(" | $")
                    .append(dec(r.get(Keys.COST_PER_MILLION_TASKS_USD), 3)).append(" |\n"));
            find("raw", "raw", r -> r.workers() == top).ifPresent(r -> md.append("| raw loop (send/receive/delete, batches of 10, no claim, no result) | ")
                    .append(top).append(" | ").append(fmt(r.get(Keys.RAW_MESSAGES_PER_SECOND))).append(" msg/s | ")
                    .append(dec(r.get(Keys.SQS_REQUESTS_PER_TASK), 4)).append(" | 0 | $")
                    .append(dec(Prices.perMillionTasks(r.get(Keys.SQS_REQUESTS_PER_TASK), 0, 0, 0), 3)).append(" |\n"));
            naive.forEach(r -> md.append("| naive (one task a message; receive, claim, send result, delete) | ")
                    .append(r.workers()).append(" | ").append(fmt(r.get(Keys.TASKS_PER_SECOND))).append(" | ")
                    .append(dec(r.get(Keys.SQS_REQUESTS_PER_TASK), 4)).append(" | ").append(dec(r.get(Keys.DYNAMO_WRITES_PER_TASK), 4))
                    .append(" | $").append(dec(r.get(Keys.COST_PER_MILLION_TASKS_USD), 3)).append(" |\n"));
        }

        rows("elastic", "remote").forEach(e -> md.append(String.format(Locale.ROOT,
                "%n### Elastic fleet%n%nBurst of %s × `sleep %d`, Provisioner with max %d workers × %d threads, from an empty"
                        + " fleet: first launch after %.2f s, all %d launched after %.2f s, all posting results after %.2f s.%n",
                fmt(e.get(Keys.TASKS)), (int) e.get(Keys.TASK_MILLIS), (int) e.get(Keys.MAX_WORKERS),
                (int) e.get(Keys.THREADS_PER_PROCESS), e.get(Keys.SECONDS_TO_FIRST_LAUNCH), (int) e.get(Keys.MAX_WORKERS),
                e.get(Keys.SECONDS_TO_FULL_FLEET_LAUNCHED), e.get(Keys.SECONDS_TO_FULL_FLEET_RUNNING))));

        List<Target> targets = targets();
        if (!targets.isEmpty()) {
            md.append("\n### Targets\n\n| target | goal | measured | met |\n|---|---|---:|---|\n");
            for (Target t : targets) {
                String measured = t.unit().equals("tasks/s") ? fmt(t.measured()) + " tasks/s"
                        : t.unit().equals("%") ? dec(t.measured(), 1) + " %" : dec(t.measured(), 2) + t.unit();
                md.append("| ").append(t.name()).append(" | ").append(t.goal()).append(" | ").append(measured).append(" | ")
                        .append(t.met() ? "yes" : "**no**").append(" |\n");
            }
        }
        if (!notes.isEmpty() || !failures.isEmpty()) {
            md.append('\n');
            notes.forEach(n -> md.append("- ").append(n).append('\n'));
            failures.forEach(f -> md.append("- FAILED: ").append(f).append('\n'));
        }
        return md.toString();
    }

    private String cell(String section, String backend, int workers, String key) {
        return find(section, backend, r -> r.workers() == workers).map(r -> fmt(r.get(key))).orElse("–");
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%,.0f", v);
    }

    static String dec(double v, int places) {
        return String.format(Locale.ROOT, "%." + places + "f", v);
    }

    static String pct(double fraction) {
        return String.format(Locale.ROOT, "%.1f %%", fraction * 100);
    }

    static double round(double v) {
        if (!Double.isFinite(v) || v == 0) {
            return v;
        }
        double scale = Math.pow(10, Math.max(0, 5 - (int) Math.ceil(Math.log10(Math.abs(v)))));
        return Math.round(v * scale) / scale;
    }

    // ---- CSV ----

    void writeCsv(Path file) throws IOException {
        Set<String> keys = new LinkedHashSet<>();
        rows.forEach(r -> keys.addAll(r.figures().keySet()));
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("section,backend," + String.join(",", keys) + "\n");
            for (Row r : rows) {
                StringBuilder line = new StringBuilder(r.section).append(',').append(r.backend);
                for (String k : keys) {
                    line.append(',');
                    Number n = r.figures().get(k);
                    if (n != null) {
                        line.append(n instanceof Double d ? String.valueOf(round(d)) : n.toString());
                    }
                }
                w.write(line.append('\n').toString());
            }
        }
    }

    // ---- JSON ----

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("suite", "drover-bench");
        m.put("schemaVersion", 1);
        m.put("profile", plan.name());
        m.put("startedAt", startedAt);
        m.put("durationSeconds", round(durationSeconds));
        m.put("machine", machine);
        m.put("remote", remote);
        m.put("prices", Prices.asMap());
        Map<String, Object> summary = new LinkedHashMap<>();
        summary().forEach((k, v) -> summary.put(k, v instanceof Double d ? round(d) : v));
        m.put("summary", summary);
        for (String section : List.of("throughput", "efficiency", "raw", "naive", "elastic")) {
            m.put(section, rows.stream().filter(r -> r.section.equals(section)).map(Row::toMap).toList());
        }
        m.put("targets", targets().stream().map(t -> {
            Map<String, Object> tm = new LinkedHashMap<>();
            tm.put("name", t.name());
            tm.put("goal", t.goal());
            tm.put("measured", round(t.measured()));
            tm.put("unit", t.unit());
            tm.put("met", t.met());
            return tm;
        }).toList());
        m.put("notes", notes);
        m.put("failures", failures);
        return m;
    }

    void writeJson(Path file) throws IOException {
        Files.writeString(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(toMap()) + "\n",
                StandardCharsets.UTF_8);
    }
}
