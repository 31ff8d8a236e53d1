package dev.drover.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code drover bench} as this jar knows it: the benchmark suite is not shipped in {@code drover.jar}
 * (it lives in the {@code bench} module, {@code bench/target/drover-bench.jar}); the {@code ./drover}
 * launcher builds and runs that jar for {@code drover bench}. This stub only says so.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = {
        "The benchmark suite (see docs/performance.md): throughput, efficiency, requests per task, cost and the"
                + " elastic fleet's ramp-up, measured on this machine.",
        "It is not part of drover.jar: run it with ./drover bench [--quick | --all | ...] from a Drover checkout (the"
                + " launcher builds bench/target/drover-bench.jar on first use), or java -jar bench/target/drover-bench.jar;"
                + " ./drover bench --help lists its options."})
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        err.println("drover: the benchmark suite is not in drover.jar; run ./drover bench"
                + (args.isEmpty() ? "" : " " + String.join(" ", args))
                + " from a Drover checkout (it builds and runs bench/target/drover-bench.jar)");
        err.flush();
        return 2;
    }
}
