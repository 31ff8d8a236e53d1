package dev.drover.cli;

import dev.drover.core.codec.Json;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "fleet", mixinStandardHelpOptions = true,
        description = "Show the fleet: desired, booting, running, launched so far, worker-seconds, "
        + "cost estimate and the provisioner's last decisions.")
final class FleetCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ServerOption server;

    @Option(names = "--json", description = "Print the provisioner's status as the API sends it, as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> fleet = server.client().fleet();
        if (json) {
            spec.commandLine().getOut().println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(fleet));
        } else {
            JobSummary.printFleet(fleet, spec.commandLine().getOut());
        }
        return 0;
    }
}
