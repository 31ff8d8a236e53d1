package dev.drover.scheduler.billing;

import dev.drover.core.Usage;
import dev.drover.scheduler.model.JobView;
import dev.drover.scheduler.model.Prices;
import java.util.Map;

/**
 * What some work used and cost: task-seconds, its share of the fleet's billed worker-seconds, the
 * billable calls, the bytes written to S3, and the dollars at list prices (total and per service).
 */
public record Amounts(long tasks, double taskSeconds, double workerSeconds, long sqsRequests, long dynamoWrites,
                      long dynamoReads, long s3Requests, long s3Bytes, Dollars usd) {
    /** Dollars at list prices: requests per service, the EC2 share, and their total. */
    public record Dollars(double sqs, double dynamoWrites, double dynamoReads, double s3, double requests, double ec2,
                          double total) {
        static final Dollars ZERO = new Dollars(0, 0, 0, 0, 0, 0, 0);

        Dollars plus(Dollars o) {
            return new Dollars(Prices.micro(sqs + o.sqs), Prices.micro(dynamoWrites + o.dynamoWrites),
                    Prices.micro(dynamoReads + o.dynamoReads), Prices.micro(s3 + o.s3), Prices.micro(requests + o.requests),
                    Prices.micro(ec2 + o.ec2), Prices.micro(total + o.total));
        }
    }

    public static final Amounts ZERO = new Amounts(0, 0, 0, 0, 0, 0, 0, 0, Dollars.ZERO);

    static Amounts of(JobView j, long s3Bytes, Prices prices) {
        Usage u = new Usage(j.sqsRequests(), j.dynamoWrites(), j.dynamoReads(), j.s3Requests());
        Map<String, Double> by = prices.breakdown(u);
        double requests = prices.requestsUsd(u);
        double ec2 = Prices.micro(j.ec2Usd());
        Dollars usd = new Dollars(by.get("sqs"), by.get("dynamoWrites"), by.get("dynamoReads"), by.get("s3"), requests, ec2,
                Prices.micro(requests + ec2));
        return new Amounts(j.total(), round(j.taskSeconds()), round(j.workerSeconds()), j.sqsRequests(), j.dynamoWrites(),
                j.dynamoReads(), j.s3Requests(), s3Bytes, usd);
    }

    Amounts plus(Amounts o) {
        return new Amounts(tasks + o.tasks, round(taskSeconds + o.taskSeconds), round(workerSeconds + o.workerSeconds),
                sqsRequests + o.sqsRequests, dynamoWrites + o.dynamoWrites, dynamoReads + o.dynamoReads,
                s3Requests + o.s3Requests, s3Bytes + o.s3Bytes, usd.plus(o.usd));
    }

    private static double round(double seconds) {
        return Math.round(seconds * 1000) / 1000.0;
    }
}
