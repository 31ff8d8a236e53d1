package dev.drover.cli;

import java.io.PrintWriter;
import java.time.Clock;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import dev.drover.cli.chaos.ChaosCommand;
import java.io.IOException;
import java.util.Set;

/** The {@code drover} command. */
@Command(name = "drover", mixinStandardHelpOptions = true, version = "drover 0.1.0",
        description = "Run many-task workloads on an elastic fleet of workers (in this JVM, local processes or EC2).",
        subcommands = {RunCommand.class, SchedulerCommand.class, SubmitCommand.class, StatusCommand.class,
                CancelCommand.class, ResultsCommand.class, JobsCommand.class, UsersCommand.class, WorkerCommand.class,
                LocalAwsCommand.class, FleetCommand.class, DashboardCommand.class, WhyCommand.class, BenchCommand.class, BillCommand.class, RerunCommand.class, AuditCommand.class, ChaosCommand.class})
public final class Main implements Runnable {
    static final Clock CLOCK = Clock.systemUTC();
    private static final Set<String> SERVICES = Set.of("scheduler", "worker", "local-aws");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The environment and home the commands see; the process's own unless a caller passes one. */
    private ClientEnvironment environment = ClientEnvironment.system();

    static ClientEnvironment environment(CommandLine.Model.CommandSpec any) {
        Object root = any.root().userObject();
        return root instanceof Main m ? m.environment : ClientEnvironment.system();
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        if (args.length > 0 && SERVICES.contains(args[0])) {
            // long-running services log what they decide; one-shot commands keep the terminal for results
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
        }
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs a command line with the given output; returns the exit code (0 ok, 1 tasks not ok, 2 bad input). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return run(args, out, err, ClientEnvironment.system());
    }

    /** As {@link #run(String[], PrintWriter, PrintWriter)}, with the environment and home given (for tests). */
    public static int run(String[] args, PrintWriter out, PrintWriter err, ClientEnvironment environment) {
        Main main = new Main();
        main.environment = environment;
        CommandLine cl = new CommandLine(main).setOut(out).setErr(err)
                .setExecutionExceptionHandler((ex, cmd, parsed) -> {
                    err.println("drover: " + ex.getMessage());
                    err.flush();
                    return ex instanceof IOException ? 1 : 2;
                });
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }
}
