package dev.drover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.core.port.User;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code drover users add|list|set|remove}: an admin's commands. */
@Command(name = "users", mixinStandardHelpOptions = true,
        description = "Manage the scheduler's users (admin only): add prints the new token once, set changes a weight, remove revokes.",
        subcommands = {UsersCommand.Add.class, UsersCommand.List.class, UsersCommand.Set.class, UsersCommand.Remove.class})
final class UsersCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Add a user; their token is printed once, alone on the last line of standard output.")
    static final class Add implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ServerOption server;

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--admin", description = "The user may manage users and see every job.")
        boolean admin;

        @Option(names = "--monthly-budget", paramLabel = "USD",
                description = "What the user's jobs may spend a calendar month (UTC): then their running jobs are cancelled"
                        + " with reason \"budget\" and new submissions get 429 (default: no limit).")
        Double monthlyBudget;

        @Option(names = "--weight", paramLabel = "W", defaultValue = "1",
                description = "The user's fair share of the fleet against other users with work (1 to 10000; default ${DEFAULT-VALUE}).")
        int weight;

        @Override
        public Integer call() throws Exception {
            if (monthlyBudget != null && !(monthlyBudget >= 0 && Double.isFinite(monthlyBudget))) {
                spec.commandLine().getErr().println("drover: --monthly-budget: a number of US dollars, 0 or more");
                return 2;
            }
            if (!weightOk(weight, spec)) {
                return 2;
            }
            JsonNode added = server.client().addUser(name, admin, weight, monthlyBudget);
            PrintWriter out = spec.commandLine().getOut();
            out.printf("added %s%s; their token (shown only now; give it to them, e.g. as ~/.drover/token, mode 0600):%n",
                    name, admin ? " (admin)" : "");
            out.println(added.get("token").asText());
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the users.")
    static final class List implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ServerOption server;

        @Override
        public Integer call() throws Exception {
            java.util.List<User> users = server.client().users(); // first: a refusal prints no header
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%-24s %-6s %-6s %-14s %s%n", "NAME", "ADMIN", "WEIGHT", "MONTHLY-USD", "CREATED");
            for (User u : users) {
                out.printf("%-24s %-6s %-6d %-14s %s%n", u.name(), u.admin() ? "yes" : "no", u.weight(),
                        u.monthlyBudgetUsd() != null ? String.format("%.2f", u.monthlyBudgetUsd()) : "-",
                        Instant.ofEpochMilli(u.createdAt()));
            }
            return 0;
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Change a user's fair-share weight; the dispatcher uses it within seconds.")
    static final class Set implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ServerOption server;

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--weight", paramLabel = "W", required = true,
                description = "The user's share of the fleet against other users with work (1 to 10000).")
        int weight;

        @Override
        public Integer call() throws Exception {
            if (!weightOk(weight, spec)) {
                return 2;
            }
            server.client().setWeight(name, weight);
            spec.commandLine().getOut().printf("%s now weighs %d%n", name, weight);
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a user and revoke their tokens.")
    static final class Remove implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ServerOption server;

        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() throws Exception {
            server.client().removeUser(name);
            spec.commandLine().getOut().printf("removed %s; their tokens no longer work%n", name);
            return 0;
        }
    }

    /** True for a weight the scheduler takes; otherwise says why on standard error. */
    static boolean weightOk(int weight, CommandSpec spec) {
        if (weight >= 1 && weight <= User.MAX_WEIGHT) {
            return true;
        }
        spec.commandLine().getErr().println("drover: --weight: a whole number from 1 to " + User.MAX_WEIGHT);
        return false;
    }
}
