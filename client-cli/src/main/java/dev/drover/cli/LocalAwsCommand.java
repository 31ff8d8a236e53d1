package dev.drover.cli;

import dev.drover.localaws.LocalAws;
import dev.drover.localaws.LocalAwsEndpoints;
import dev.drover.localaws.LocalAwsOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "local-aws", mixinStandardHelpOptions = true,
        description = "Start the AWS emulators on loopback (SQS, DynamoDB, S3), create Drover's "
        + "queues, tables and bucket, print the endpoints, and stay up until interrupted.")
final class LocalAwsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR", description = "Keep queues, tables and objects here across restarts.")
    Path data;

    @Override
    public Integer call() throws Exception {
        LocalAwsOptions options = LocalAwsOptions.defaults(LocalAws.defaultEmulatorsDir());
        try (LocalAws aws = LocalAws.start(data != null ? options.withDataDir(data) : options)) {
            LocalAwsEndpoints e = aws.endpoints();
            PrintWriter out = spec.commandLine().getOut();
            out.printf("local AWS is up: SQS %s, DynamoDB %s, S3 %s%n", e.sqs(), e.dynamoDb(), e.s3());
            out.println("# for `drover worker` and `drover scheduler -rw` in other shells:");
            e.workerEnvironment().forEach((k, v) -> out.printf("export %s=%s%n", k, v));
            out.flush();
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "drover-shutdown"));
            stop.await();
        }
        return 0;
    }
}
