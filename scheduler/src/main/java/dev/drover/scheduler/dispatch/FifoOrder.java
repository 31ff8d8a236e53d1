package dev.drover.scheduler.dispatch;

import dev.drover.core.port.MessageQueue;
import dev.drover.scheduler.model.Policy;
import dev.drover.scheduler.model.SchedulerConfig;
import dev.drover.scheduler.job.JobState;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@link Policy#FIFO}: every job in one line, in submission order; a job with more to send goes to
 * the back of the line, so while it is the only one waiting it sends batch after batch. A batch
 * goes when it fits under the outstanding limit of all jobs and its user's running-task quota.
 */
final class FifoOrder implements DispatchOrder {
    /** A job whose dispatch threw waits this long before it goes back in line. */
    private static final long FAILED_PAUSE_MILLIS = 1000;

    private final SchedulerConfig config;
    private final Supplier<Collection<JobState>> activeJobs;
    private final BlockingQueue<JobState> line = new LinkedBlockingQueue<>();

    FifoOrder(SchedulerConfig config, Supplier<Collection<JobState>> activeJobs) {
        this.config = config;
        this.activeJobs = activeJobs;
    }

    @Override
    public void add(JobState job) {
        line.add(job);
    }

    @Override
    public Optional<Turn> next() throws InterruptedException {
        JobState job = line.poll(100, TimeUnit.MILLISECONDS);
        if (job == null) {
            return Optional.empty();
        }
        long userOutstanding = activeJobs.get().stream().filter(j -> j.owner().equals(job.owner()))
                .mapToLong(JobState::outstanding).sum();
        return Optional.of(new Turn(job, MessageQueue.MAX_BATCH, config.quotas().maxRunningTasks() - userOutstanding,
                BundlePlanner.Caps.NONE, tasks -> hasRoom(job, tasks)));
    }

    @Override
    public void sent(Turn turn, boolean finished) {
        if (!finished) {
            line.add(turn.job()); // more to send: behind every other job in line
        }
    }

    @Override
    public void failed(Turn turn) {
        BundleSender.pause(FAILED_PAUSE_MILLIS);
        line.add(turn.job());
    }

    /** Room under the outstanding limit of all jobs, and under the job's user's running-task quota. */
    private boolean hasRoom(JobState job, long tasks) {
        long outstanding = 0;
        long users = 0;
        for (JobState j : activeJobs.get()) {
            long o = j.outstanding();
            outstanding += o;
            if (j.owner().equals(job.owner())) {
                users += o;
            }
        }
        boolean overall = outstanding == 0 || outstanding + tasks <= config.maxOutstanding();
        boolean user = users == 0 || users + tasks <= config.quotas().maxRunningTasks();
        return overall && user;
    }
}
