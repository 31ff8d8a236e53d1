package dev.drover.scheduler.dispatch;

import dev.drover.scheduler.job.JobState;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

/** How users stand under fair share, computed from the jobs' live state: what {@code drover why} reports. */
public final class FairStandings {
    private FairStandings() {}

    /**
     * One user with tasks not yet final.
     *
     * @param outstandingMillis expected work of their tasks on the queue or running
     * @param unsentTasks       tasks still at the scheduler
     * @param place             1 for the user whose job sends next (the least work out for their weight)
     *                          among the {@code usersWaiting} with unsent tasks; 0 if they have none
     */
    public record Standing(String user, int weight, long outstandingTasks, double outstandingMillis, long unsentTasks,
                           int place, int usersWaiting) {}

    /** Every user with tasks not yet final, by name. */
    public static List<Standing> of(Collection<JobState> jobs, ToIntFunction<String> weights) {
        Map<String, double[]> byUser = new HashMap<>(); // outstanding tasks, outstanding work, unsent tasks
        for (JobState j : jobs) {
            if (j.done() || j.cancelled()) {
                continue;
            }
            double[] s = byUser.computeIfAbsent(j.owner(), k -> new double[3]);
            long o = j.outstanding();
            s[0] += o;
            s[1] += o * meanTaskMillis(j);
            s[2] += j.unsent();
        }
        Map<String, Integer> weight = new HashMap<>();
        byUser.keySet().forEach(u -> weight.put(u, weights.applyAsInt(u)));
        List<String> waiting = byUser.entrySet().stream().filter(e -> e.getValue()[2] > 0)
                .sorted(Comparator.comparingDouble((Map.Entry<String, double[]> e) -> e.getValue()[1] / weight.get(e.getKey()))
                        .thenComparing(Map.Entry::getKey))
                .map(Map.Entry::getKey).toList();
        List<Standing> out = new ArrayList<>();
        byUser.forEach((u, s) -> out.add(new Standing(u, weight.get(u), (long) s[0], s[1], (long) s[2],
                waiting.indexOf(u) + 1, waiting.size())));
        out.sort(Comparator.comparing(Standing::user));
        return out;
    }

    /** Expected run time of one of the job's tasks: measured, else the planner's estimate. */
    public static double meanTaskMillis(JobState job) {
        double[] t = job.times().taskTime();
        return t[1] > 0 ? t[0] / t[1] : BundlePlanner.UNMEASURED_SHELL_MILLIS;
    }
}
