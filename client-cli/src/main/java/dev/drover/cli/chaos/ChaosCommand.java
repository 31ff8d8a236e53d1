package dev.drover.cli.chaos;

import dev.drover.core.codec.Json;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "chaos", mixinStandardHelpOptions = true,
        description = "The fault-injection suite: runs workloads on local AWS with real processes, injects faults "
                + "(killed workers, scheduler and emulators, duplicate deliveries, expired visibility, spot notices, "
                + "poison tasks, a dropped network...) and counts, from the tasks' own side effects, what was lost or "
                + "run twice. Exit 0 when every scenario met its target.")
public final class ChaosCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--quick", description = "Small workloads and short faults (a few minutes in all).")
    boolean quick;

    @Option(names = "--scenario", paramLabel = "NAME", split = ",", description = "Run only these scenarios.")
    List<String> only;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the outcomes as JSON.")
    Path json;

    @Option(names = "--keep", description = "Keep the work directory (ledgers, worker and scheduler logs).")
    boolean keep;

    @Option(names = "--repeat", paramLabel = "N", defaultValue = "1",
            description = "Run each chosen scenario N times (e.g. for the failover time's median and maximum; default ${DEFAULT-VALUE}).")
    int repeat;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (repeat < 1) {
            err.println("drover chaos: --repeat: a number of runs, 1 or more");
            return 2;
        }
        List<Scenario> scenarios = select(catalogue(quick));
        if (scenarios.isEmpty()) {
            err.println("drover chaos: no such scenario; known: "
                    + catalogue(quick).stream().map(Scenario::name).collect(Collectors.joining(", ")));
            return 2;
        }
        Path work = Files.createTempDirectory("drover-chaos-");
        err.println("drover chaos: working in " + work);
        List<Outcome> outcomes = new ArrayList<>();
        try (ScenarioRunner runner = new ScenarioRunner(work, quick, err)) {
            for (Scenario s : scenarios) {
                for (int i = 0; i < repeat; i++) {
                    outcomes.add(runner.run(s));
                }
            }
        } finally {
            if (!keep) {
                WorkDir.delete(work);
            }
        }
        ReportTable.print(outcomes, out);
        if (json != null) {
            Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(json.toFile(), outcomes);
        }
        return outcomes.stream().allMatch(Outcome::met) ? 0 : 1;
    }

    /** Every scenario: the single scheduler's, then the replicas'. */
    static List<Scenario> catalogue(boolean quick) {
        List<Scenario> all = new ArrayList<>(Scenarios.all(quick));
        all.addAll(ReplicaScenarios.all(quick));
        return all;
    }

    private List<Scenario> select(List<Scenario> all) {
        if (only == null) {
            return all;
        }
        Set<String> names = Set.copyOf(only);
        return all.stream().filter(s -> names.contains(s.name())).toList();
    }
}
