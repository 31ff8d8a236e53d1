package dev.drover.aws;

import dev.drover.core.port.FleetLauncher.Member;
import java.util.List;
import java.util.Map;

/** What a fleet costs: on-demand list prices and EC2's per-second billing with a 60 s minimum. */
public final class Ec2Pricing {
    /** EC2 bills Linux instances per second, with a minimum of 60 s per instance. */
    public static final long MINIMUM_BILLED_SECONDS = 60;

    /**
     * On-demand Linux list prices in us-east-1, USD per hour, for an estimate only: check them
     * against the current price list (and the region) and give overrides where they differ.
     */
    private static final Map<String, Double> ON_DEMAND_US_EAST_1 = Map.of(
            "c6i.large", 0.085,
            "c6i.xlarge", 0.17,
            "c7i.large", 0.08925,
            "m6i.large", 0.096,
            "t3.micro", 0.0104,
            "t3.small", 0.0208,
            "t3.medium", 0.0416);

    private Ec2Pricing() {
    }

    /** The hourly price of {@code instanceType}: from {@code overrides} if there, else the built-in table. */
    public static double hourlyPriceUsd(String instanceType, Map<String, Double> overrides) {
        Double price = overrides.getOrDefault(instanceType, ON_DEMAND_US_EAST_1.get(instanceType));
        if (price == null) {
            throw new IllegalArgumentException("no price known for instance type " + instanceType + ": give one");
        }
        return price;
    }

    /** What {@code members} cost until {@code now} (epoch millis): each billed by the second, at least 60 s. */
    public static double costUsd(List<Member> members, double hourlyPrice, long now) {
        long seconds = members.stream()
                .mapToLong(m -> Math.max(MINIMUM_BILLED_SECONDS, (m.lifetimeMillis(now) + 999) / 1000))
                .sum();
        return seconds * hourlyPrice / 3600;
    }
}
