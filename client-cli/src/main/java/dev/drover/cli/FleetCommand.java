package dev.drover.cli;

import dev.drover.core.codec.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

    @Override
    public Integer call() throws Exception {
        spec.commandLine().getOut().println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(server.client().fleet()));
        return 0;
    }
}
