package dev.drover.cli;

import dev.drover.scheduler.billing.Amounts;
import dev.drover.scheduler.billing.Bill;
import dev.drover.core.codec.Json;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code drover bill}: what each user's jobs used and cost, at list prices. */
@Command(name = "bill", mixinStandardHelpOptions = true,
        description = "Per user and per job: task-seconds, share of worker-seconds (EC2's 60 s minimum), SQS requests,"
                + " DynamoDB writes, S3 requests and bytes, and dollars at list prices. Yours; an admin's: everyone's.")
final class BillCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ServerOption server;

    @Option(names = "--user", paramLabel = "NAME", description = "Only this user's jobs (another user's: admins only, else 403).")
    String user;

    @Option(names = "--since", paramLabel = "DATE",
            description = "Only jobs submitted at or after DATE: YYYY-MM-DD (00:00 UTC) or an instant YYYY-MM-DDTHH:MM:SSZ.")
    String since;

    @Option(names = "--json", description = "Print the bill as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (since != null && !validSince(since)) {
            spec.commandLine().getErr().println("drover: --since: not a date (YYYY-MM-DD) or an instant (YYYY-MM-DDTHH:MM:SSZ): " + since);
            return 2;
        }
        Bill bill;
        try {
            bill = server.client().bill(user, since);
        } catch (SchedulerClient.ApiException e) {
            spec.commandLine().getErr().println("drover: " + e.getMessage());
            return e.status == 400 ? 2 : 1;
        }
        if (json) {
            out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(bill));
            return 0;
        }
        String format = "%-14s %-16s %10s %10s %9s %9s %8s %12s %11s %11s %11s%n";
        out.printf(format, "user", "job", "task-s", "worker-s", "sqs", "dyn-wr", "s3", "s3-bytes", "$requests", "$ec2", "$total");
        for (Bill.UserBill u : bill.users()) {
            for (Bill.JobBill j : u.jobs()) {
                row(out, format, u.user(), j.jobId(), j.amounts());
            }
            row(out, format, u.user(), "(total)", u.total());
        }
        row(out, format, "all", "", bill.total());
        out.println("list prices, us-east-1: SQS $0.40, DynamoDB writes $1.25, reads $0.25, S3 requests $5 per million;"
                + " EC2 by each job's share of task-seconds; S3 bytes are not priced");
        return 0;
    }

    private static void row(PrintWriter out, String format, String user, String job, Amounts a) {
        out.printf(format, user, job, String.format("%.3f", a.taskSeconds()), String.format("%.1f", a.workerSeconds()),
                a.sqsRequests(), a.dynamoWrites(), a.s3Requests(), a.s3Bytes(), String.format("%.6f", a.usd().requests()),
                String.format("%.6f", a.usd().ec2()), String.format("%.6f", a.usd().total()));
    }

    static boolean validSince(String text) {
        try {
            if (text.contains("T")) {
                Instant.parse(text);
            } else {
                LocalDate.parse(text);
            }
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}
