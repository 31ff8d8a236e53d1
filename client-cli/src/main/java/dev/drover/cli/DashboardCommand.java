package dev.drover.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "dashboard", mixinStandardHelpOptions = true,
        description = "Print a one-time sign-in link to the scheduler's dashboard for your user; open it in a browser.")
final class DashboardCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ServerOption server;

    @Override
    public Integer call() throws Exception {
        spec.commandLine().getOut().printf("dashboard: %s%n", server.client().dashboardUrl());
        return 0;
    }
}
